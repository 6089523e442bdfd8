import { deleteProfile, getProfile, upsertProfile } from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { id } from '../schemas.ts';
import { dbProcedure } from '../trpc.ts';

const name = z.string().trim().max(50).nullable();

export const profilesRouter = {
  get: dbProcedure.input(z.object({ userId: id })).query(({ ctx, input }) => getProfile(ctx.em, input.userId)),
  upsert: dbProcedure
    .input(
      z.object({
        userId: id,
        firstName: name.optional(),
        lastName: name.optional(),
        bio: z.string().max(10_000).nullable().optional(),
      }),
    )
    .mutation(({ ctx, input: { userId, ...profile } }) => upsertProfile(ctx.em, userId, profile)),
  delete: dbProcedure.input(z.object({ userId: id })).mutation(async ({ ctx, input }) => {
    await deleteProfile(ctx.em, input.userId);
    return { userId: input.userId, deleted: true as const };
  }),
} satisfies TRPCRouterRecord;
