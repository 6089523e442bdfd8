import { deleteProfile, getProfile, textLimits, upsertProfile } from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { ownerProcedure } from '../init.ts';
import { rest } from '../rest-meta.ts';
import { id, longText, text } from '../schemas.ts';
import { deleted, profileView } from '../views.ts';

const personName = text().trim().max(textLimits.personName).nullable();
const ofUser = z.object({ userId: id });

export const profilesRouter = {
  get: ownerProcedure
    .meta(rest('GET', '/users/{userId}/profile', 'A user profile'))
    .output(profileView)
    .input(ofUser)
    .query(({ ctx, input }) => getProfile(ctx.em, input.userId, ctx.scope)),
  upsert: ownerProcedure
    .meta(rest('PUT', '/users/{userId}/profile', 'Create or change a user profile'))
    .output(profileView)
    .input(
      ofUser.extend({
        firstName: personName.optional(),
        lastName: personName.optional(),
        bio: longText.nullable().optional(),
      }),
    )
    .mutation(({ ctx, input: { userId, ...profile } }) => upsertProfile(ctx.em, userId, profile, ctx.scope)),
  delete: ownerProcedure
    .meta(rest('DELETE', '/users/{userId}/profile', 'Delete a user profile', { status: 204 }))
    .output(deleted('userId'))
    .input(ofUser)
    .mutation(async ({ ctx, input }) => {
      await deleteProfile(ctx.em, input.userId, ctx.scope);
      return { userId: input.userId, deleted: true as const };
    }),
} satisfies TRPCRouterRecord;
