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
import { actorOf, adminProcedure } from '../init.ts';
import { rest } from '../rest-meta.ts';
import { date, email, id, idInput, MAX_BATCH, pageInput, password, username } from '../schemas.ts';
import { deleted, pageOf, userView } from '../views.ts';

const newUser = z.object({ username, email, password: password.optional(), isActive: z.boolean().optional() });

export const usersRouter = {
  create: adminProcedure
    .meta(rest('POST', '/users', 'Create a user', { status: 201, location: '/users/{id}' }))
    .output(userView)
    .input(newUser)
    .mutation(({ ctx, input }) => createUser(ctx.em, input)),
  bulkCreate: adminProcedure
    .meta(rest('POST', '/users/bulk', 'Create users, all or none', { status: 201 }))
    .output(z.array(userView))
    .input(z.object({ users: z.array(newUser).min(1).max(MAX_BATCH) }))
    .mutation(({ ctx, input }) => createUsers(ctx.em, input.users)),
  byId: adminProcedure
    .meta(rest('GET', '/users/{id}', 'A user by id'))
    .output(userView)
    .input(idInput)
    .query(({ ctx, input }) => getUser(ctx.em, input.id, 'any')),
  byUsername: adminProcedure
    .meta(rest('GET', '/users/by-username/{username}', 'A user by username'))
    .output(userView)
    .input(z.object({ username }))
    .query(({ ctx, input }) => getUserByUsername(ctx.em, input.username)),
  list: adminProcedure
    .meta(rest('GET', '/users', 'Users, a page at a time'))
    .output(pageOf(userView))
    .input(pageInput.extend({ isActive: z.boolean().optional() }))
    .query(({ ctx, input }) => listUsers(ctx.em, input)),
  search: adminProcedure
    .meta(rest('GET', '/users/search', 'Search users by username, email, activity, creation date'))
    .output(pageOf(userView))
    .input(
      pageInput.extend({
        username: username.optional(),
        email: email.optional(),
        isActive: z.boolean().optional(),
        createdAfter: date.optional(),
        match: z.enum(['all', 'any']).default('all'),
      }),
    )
    .query(({ ctx, input }) => searchUsers(ctx.em, input)),
  /**
   * PUT: the user as a whole. Missing `isActive` is reset to true (as on creation); the password is write-only
   * (no answer carries it, so a body built from a GET cannot): absent, it is kept; given, it replaces the old
   * one and signs the user out everywhere. Roles and the profile are their own resources.
   */
  replace: adminProcedure
    .meta(
      rest('PUT', '/users/{id}', 'Replace a user (username and email required)', {
        description:
          'Every writable field at once: `username` and `email` are required, a missing `isActive` is reset ' +
          'to true. The password is write-only: absent, it is kept; given, it replaces the old one and signs ' +
          'the user out everywhere. Read-only fields (`id`, `roles`, dates) are ignored; roles and the ' +
          'profile are changed through their own routes. PATCH changes only the fields it is given.',
      }),
    )
    .output(userView)
    .input(z.object({ id, username, email, isActive: z.boolean().default(true), password: password.optional() }))
    .mutation(({ ctx, input: { id, ...user } }) => updateUser(ctx.em, id, user, actorOf(ctx))),
  update: adminProcedure
    .meta(rest('PATCH', '/users/{id}', 'Change some fields of a user', { body: 'patch' }))
    .output(userView)
    .input(
      z.object({
        id,
        patch: z
          .object({ username, email, isActive: z.boolean(), password })
          .partial()
          .refine((patch) => Object.keys(patch).length > 0, 'nothing to update'),
      }),
    )
    .mutation(({ ctx, input }) => updateUser(ctx.em, input.id, input.patch, actorOf(ctx))),
  setActive: adminProcedure
    .meta(
      rest('POST', '/users/set-active', 'Activate or deactivate users', {
        errors: { 409: 'it would leave no active admin' },
      }),
    )
    .output(z.object({ updated: z.int() }))
    .input(z.object({ ids: z.array(id).min(1).max(MAX_BATCH), isActive: z.boolean() }))
    .mutation(async ({ ctx, input }) => ({
      updated: await setUsersActive(ctx.em, input.ids, input.isActive, actorOf(ctx)),
    })),
  delete: adminProcedure
    .meta(rest('DELETE', '/users/{id}', 'Delete a user without money or ledger history', { status: 204 }))
    .output(deleted('id'))
    .input(idInput)
    .mutation(async ({ ctx, input }) => {
      await deleteUser(ctx.em, input.id, actorOf(ctx));
      return { id: input.id, deleted: true as const };
    }),
  deleteInactive: adminProcedure
    .meta(rest('POST', '/users/delete-inactive', 'Delete inactive users (keeping those with money or history)'))
    .output(z.object({ deleted: z.int(), keptWithBalance: z.int(), keptWithHistory: z.int() }))
    .mutation(({ ctx }) => deleteInactiveUsers(ctx.em)),
  count: adminProcedure
    .meta(rest('GET', '/users/count', 'How many users, and how many active'))
    .output(z.object({ total: z.int(), active: z.int() }))
    .query(({ ctx }) => countUsers(ctx.em)),
} satisfies TRPCRouterRecord;
