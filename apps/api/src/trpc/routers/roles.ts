import { assignRole, createRole, listRoles, revokeRole, textLimits, usersWithRole } from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { actorOf, adminProcedure } from '../init.ts';
import { rest } from '../rest-meta.ts';
import { id, name, pageInput } from '../schemas.ts';
import { pageOf, roleView, userView } from '../views.ts';

const roleName = name(textLimits.roleName);
const membership = z.object({ userId: id, role: roleName });

export const rolesRouter = {
  create: adminProcedure
    .meta(rest('POST', '/roles', 'Create a role', { status: 201 }))
    .output(roleView)
    .input(z.object({ name: roleName }))
    .mutation(({ ctx, input }) => createRole(ctx.em, input.name)),
  list: adminProcedure
    .meta(rest('GET', '/roles', 'All roles'))
    .output(z.array(roleView))
    .query(({ ctx }) => listRoles(ctx.em)),
  assign: adminProcedure
    .meta(rest('PUT', '/users/{userId}/roles/{role}', 'Give a user a role (idempotent)'))
    .output(userView)
    .input(membership)
    .mutation(({ ctx, input }) => assignRole(ctx.em, input.userId, input.role)),
  revoke: adminProcedure
    .meta(rest('DELETE', '/users/{userId}/roles/{role}', 'Take a role from a user (idempotent)'))
    .output(userView)
    .input(membership)
    .mutation(({ ctx, input }) => revokeRole(ctx.em, input.userId, input.role, actorOf(ctx))),
  members: adminProcedure
    .meta(rest('GET', '/roles/{role}/members', 'Users holding a role'))
    .output(pageOf(userView))
    .input(pageInput.extend({ role: roleName }))
    .query(({ ctx, input }) => usersWithRole(ctx.em, input.role, input)),
} satisfies TRPCRouterRecord;
