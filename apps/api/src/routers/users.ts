import {
  countUsers,
  createUser,
  createUsers,
  deleteInactiveUsers,
  deleteUser,
  getUser,
  getUserByUsername,
  listUsers,
  searchUsers,
  setUsersActive,
  updateUser,
} from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { email, id, idInput, MAX_BATCH, pageInput, password, username } from '../schemas.ts';
import { adminProcedure } from '../trpc.ts';

const newUser = z.object({ username, email, password: password.optional(), isActive: z.boolean().optional() });

export const usersRouter = {
  create: adminProcedure.input(newUser).mutation(({ ctx, input }) => createUser(ctx.em, input)),
  bulkCreate: adminProcedure
    .input(z.object({ users: z.array(newUser).min(1).max(MAX_BATCH) }))
    .mutation(({ ctx, input }) => createUsers(ctx.em, input.users)),
  byId: adminProcedure.input(idInput).query(({ ctx, input }) => getUser(ctx.em, input.id)),
  byUsername: adminProcedure
    .input(z.object({ username }))
    .query(({ ctx, input }) => getUserByUsername(ctx.em, input.username)),
  list: adminProcedure
    .input(pageInput.extend({ isActive: z.boolean().optional() }))
    .query(({ ctx, input }) => listUsers(ctx.em, input)),
  search: adminProcedure
    .input(
      pageInput.extend({
        username: z.string().trim().min(1).max(80).optional(),
        email: email.optional(),
        isActive: z.boolean().optional(),
        createdAfter: z.date().optional(),
        match: z.enum(['all', 'any']).default('all'),
      }),
    )
    .query(({ ctx, input }) => searchUsers(ctx.em, input)),
  update: adminProcedure
    .input(
      z.object({
        id,
        patch: z
          .object({ username, email, isActive: z.boolean(), password })
          .partial()
          .refine((patch) => Object.keys(patch).length > 0, 'nothing to update'),
      }),
    )
    .mutation(({ ctx, input }) => updateUser(ctx.em, input.id, input.patch)),
  setActive: adminProcedure
    .input(z.object({ ids: z.array(id).min(1).max(MAX_BATCH), isActive: z.boolean() }))
    .mutation(async ({ ctx, input }) => ({ updated: await setUsersActive(ctx.em, input.ids, input.isActive) })),
  delete: adminProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    await deleteUser(ctx.em, input.id);
    return { id: input.id, deleted: true as const };
  }),
  deleteInactive: adminProcedure.mutation(({ ctx }) => deleteInactiveUsers(ctx.em)),
  count: adminProcedure.query(({ ctx }) => countUsers(ctx.em)),
} satisfies TRPCRouterRecord;
