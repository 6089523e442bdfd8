import { categoryStats, countCategories, countProducts, countUsers } from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure, replicaReadProcedure } from '../init.ts';
import { rest } from '../rest-meta.ts';
import { categoryStat } from '../views.ts';

export const statsRouter = {
  /** Products per category (GROUP BY), keeping categories with at least `minProducts` (HAVING). */
  categoryStats: replicaReadProcedure
    .meta(rest('GET', '/stats/categories', 'Products and prices per category', { protect: false }))
    .output(z.array(categoryStat))
    .input(z.object({ minProducts: z.int().min(0).default(0) }).default({ minProducts: 0 }))
    .query(({ ctx, input }) => categoryStats(ctx.em, input)),
  counts: adminProcedure
    .meta(rest('GET', '/stats/counts', 'Users, products and categories'))
    .output(z.object({ users: z.int(), activeUsers: z.int(), products: z.int(), categories: z.int() }))
    .query(async ({ ctx }) => {
      const [users, products, categories] = await Promise.all([
        countUsers(ctx.em.fork()),
        countProducts(ctx.em.fork()),
        countCategories(ctx.em.fork()),
      ]);
      return { users: users.total, activeUsers: users.active, products, categories };
    }),
} satisfies TRPCRouterRecord;
