import { assignRole, createRole, listRoles, revokeRole, usersWithRole } from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { id, pageInput } from '../schemas.ts';
import { adminProcedure } from '../trpc.ts';

const roleName = z.string().trim().min(1).max(80);
const membership = z.object({ userId: id, role: roleName });

export const rolesRouter = {
  create: adminProcedure
    .input(z.object({ name: roleName }))
    .mutation(({ ctx, input }) => createRole(ctx.em, input.name)),
  list: adminProcedure.query(({ ctx }) => listRoles(ctx.em)),
  assign: adminProcedure.input(membership).mutation(({ ctx, input }) => assignRole(ctx.em, input.userId, input.role)),
  revoke: adminProcedure.input(membership).mutation(({ ctx, input }) => revokeRole(ctx.em, input.userId, input.role)),
  members: adminProcedure
    .input(pageInput.extend({ role: roleName }))
    .query(({ ctx, input }) => usersWithRole(ctx.em, input.role, input)),
} satisfies TRPCRouterRecord;
