import { createCategory, deleteCategory, getCategory, listCategories, renameCategory, textLimits } from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure, replicaReadProcedure } from '../init.ts';
import { rest } from '../rest-meta.ts';
import { id, idInput, name } from '../schemas.ts';
import { categoryView, deleted } from '../views.ts';

const categoryName = name(textLimits.categoryName);

export const categoriesRouter = {
  create: adminProcedure
    .meta(rest('POST', '/categories', 'Create a category', { status: 201, location: '/categories/{id}' }))
    .output(categoryView)
    .input(z.object({ name: categoryName }))
    .mutation(({ ctx, input }) => createCategory(ctx.em, input.name)),
  list: replicaReadProcedure
    .meta(rest('GET', '/categories', 'All categories', { protect: false }))
    .output(z.array(categoryView))
    .query(({ ctx }) => listCategories(ctx.em)),
  byId: replicaReadProcedure
    .meta(rest('GET', '/categories/{id}', 'A category', { protect: false }))
    .output(categoryView)
    .input(idInput)
    .query(({ ctx, input }) => getCategory(ctx.em, input.id)),
  update: adminProcedure
    .meta(rest('PATCH', '/categories/{id}', 'Rename a category'))
    .output(categoryView)
    .input(z.object({ id, name: categoryName }))
    .mutation(({ ctx, input }) => renameCategory(ctx.em, input.id, input.name)),
  delete: adminProcedure
    .meta(rest('DELETE', '/categories/{id}', 'Delete a category without products', { status: 204 }))
    .output(deleted('id'))
    .input(idInput)
    .mutation(async ({ ctx, input }) => {
      await deleteCategory(ctx.em, input.id);
      return { id: input.id, deleted: true as const };
    }),
} satisfies TRPCRouterRecord;
