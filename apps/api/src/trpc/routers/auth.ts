import { getUser, login, logout, passwordLimits, registerUser, signInSubject, textLimits } from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { authedProcedure, dbProcedure, TRPCError } from '../init.ts';
import { OverBudget } from '../login-limiter.ts';
import { rest } from '../rest-meta.ts';
import { email, password, text, username } from '../schemas.ts';
import { signedIn, userView } from '../views.ts';

const tooMany = (message: string) => new TRPCError({ code: 'TOO_MANY_REQUESTS', message });

export const authRouter = {
  register: dbProcedure
    .meta(
      rest('POST', '/auth/register', 'Sign up as a customer', {
        protect: false,
        status: 201,
        location: '/users/{id}',
        errors: { 429: 'too many sign-ups from this address: retry later' },
      }),
    )
    .output(userView)
    .input(z.object({ username, email, password }))
    .mutation(async ({ ctx, input }) => {
      const wait = await ctx.loginLimiter.admitSignUp(ctx.clientAddress);
      if (wait > 0) throw tooMany(`too many sign-ups from this address; retry in ${wait}s`);
      return registerUser(ctx.em, input);
    }),
  /** username or email + password → an opaque bearer token. Wrong user and wrong password look alike. */
  login: dbProcedure
    .meta(
      rest('POST', '/auth/login', 'Sign in: returns the bearer token', {
        protect: false,
        errors: {
          401: 'unknown user or wrong password',
          404: false,
          409: false,
          429: 'too many sign-in attempts: retry later',
        },
      }),
    )
    .output(signedIn)
    .input(
      z.object({
        identifier: text().trim().min(1).max(Math.max(textLimits.username, textLimits.email)),
        password: text().min(1).max(passwordLimits.max),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const subject = await signInSubject(ctx.em, input.identifier);
      const session = await ctx.loginLimiter.signIn(subject, ctx.clientAddress, () =>
        login(ctx.em, input.identifier, input.password),
      );
      if (session instanceof OverBudget) {
        throw tooMany(`too many sign-in attempts; retry in ${session.retryAfterSeconds}s`);
      }
      if (!session) {
        ctx.log.info({ event: 'login_failed', clientAddress: ctx.clientAddress }, 'sign-in refused');
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'unknown user or wrong password' });
      }
      return session;
    }),
  logout: authedProcedure
    .meta(rest('POST', '/auth/logout', 'Sign out (revokes this token)', { errors: { 404: false, 409: false } }))
    .output(z.object({ signedOut: z.literal(true) }))
    .mutation(async ({ ctx }) => {
      await logout(ctx.em, ctx.principal.sessionId, { userId: ctx.principal.userId });
      return { signedOut: true as const };
    }),
  me: authedProcedure
    .meta(rest('GET', '/auth/me', 'The signed-in user'))
    .output(userView)
    .query(({ ctx }) => getUser(ctx.em, ctx.principal.userId, { userId: ctx.principal.userId })),
} satisfies TRPCRouterRecord;
