import { getUser, login, logout, registerUser } from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { email, password, username } from '../schemas.ts';
import { authedProcedure, dbProcedure, TRPCError } from '../trpc.ts';

export const authRouter = {
  register: dbProcedure
    .input(z.object({ username, email, password }))
    .mutation(({ ctx, input }) => registerUser(ctx.em, input)),
  /** username or email + password → an opaque bearer token. Wrong user and wrong password look alike. */
  login: dbProcedure
    .input(z.object({ identifier: z.string().trim().min(1).max(120), password: z.string().min(1).max(256) }))
    .mutation(async ({ ctx, input }) => {
      const wait = await ctx.loginLimiter.admit(input.identifier, ctx.clientAddress);
      if (wait > 0)
        throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `too many sign-in attempts; retry in ${wait}s` });
      const session = await login(ctx.em, input.identifier, input.password);
      if (!session) {
        await ctx.loginLimiter.failed(input.identifier);
        ctx.log.info({ event: 'login_failed', clientAddress: ctx.clientAddress }, 'sign-in refused');
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'unknown user or wrong password' });
      }
      await ctx.loginLimiter.succeeded(input.identifier);
      return session;
    }),
  logout: authedProcedure.mutation(async ({ ctx }) => {
    await logout(ctx.em, ctx.principal.sessionId);
    return { signedOut: true as const };
  }),
  me: authedProcedure.query(({ ctx }) => getUser(ctx.em, ctx.principal.userId)),
} satisfies TRPCRouterRecord;
