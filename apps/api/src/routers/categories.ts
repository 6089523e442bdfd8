import { createCategory, deleteCategory, getCategory, listCategories, renameCategory } from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { id, idInput } from '../schemas.ts';
import { adminProcedure, dbProcedure } from '../trpc.ts';

const categoryName = z.string().trim().min(1).max(80);

export const categoriesRouter = {
  create: adminProcedure
    .input(z.object({ name: categoryName }))
    .mutation(({ ctx, input }) => createCategory(ctx.em, input.name)),
  list: dbProcedure.query(({ ctx }) => listCategories(ctx.em)),
  byId: dbProcedure.input(idInput).query(({ ctx, input }) => getCategory(ctx.em, input.id)),
  update: adminProcedure
    .input(z.object({ id, name: categoryName }))
    .mutation(({ ctx, input }) => renameCategory(ctx.em, input.id, input.name)),
  delete: adminProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    await deleteCategory(ctx.em, input.id);
    return { id: input.id, deleted: true as const };
  }),
} satisfies TRPCRouterRecord;
