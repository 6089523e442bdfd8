import { deleteProfile, getProfile, upsertProfile } from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { id } from '../schemas.ts';
import { authedProcedure, requireSelfOrAdmin } from '../trpc.ts';

const name = z.string().trim().max(50).nullable();
const ownProfile = authedProcedure.input(z.object({ userId: id })).use(({ ctx, input, next }) => {
  requireSelfOrAdmin(ctx.principal, input.userId);
  return next();
});

export const profilesRouter = {
  get: ownProfile.query(({ ctx, input }) => getProfile(ctx.em, input.userId)),
  upsert: ownProfile
    .input(
      z.object({
        firstName: name.optional(),
        lastName: name.optional(),
        bio: z.string().max(10_000).nullable().optional(),
      }),
    )
    .mutation(({ ctx, input: { userId, ...profile } }) => upsertProfile(ctx.em, userId, profile)),
  delete: ownProfile.mutation(async ({ ctx, input }) => {
    await deleteProfile(ctx.em, input.userId);
    return { userId: input.userId, deleted: true as const };
  }),
} satisfies TRPCRouterRecord;
