import { categoryStats, countCategories, countProducts, countUsers } from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure, dbProcedure } from '../trpc.ts';

export const statsRouter = {
  /** Products per category (GROUP BY), keeping categories with at least `minProducts` (HAVING). */
  categoryStats: dbProcedure
    .input(z.object({ minProducts: z.int().min(0).default(0) }).default({ minProducts: 0 }))
    .query(({ ctx, input }) => categoryStats(ctx.em, input)),
  counts: adminProcedure.query(async ({ ctx }) => {
    const [users, products, categories] = await Promise.all([
      countUsers(ctx.em.fork()),
      countProducts(ctx.em.fork()),
      countCategories(ctx.em.fork()),
    ]);
    return { users: users.total, activeUsers: users.active, products, categories };
  }),
} satisfies TRPCRouterRecord;
