// tRPC init: context, transformer, the one error formatter, and the procedure every router builds on.
import { authenticate, DomainError, type EntityManager, type Orm, type Principal } from '@shop/db';
import { initTRPC, TRPCError } from '@trpc/server';
import type { Logger } from 'pino';
import { ZodError, z } from 'zod';
import { domainErrorToTRPC } from './errors.ts';
import type { LoginLimiter } from './login-limiter.ts';
import { transformer } from './wire-format.ts';

/** Built once per HTTP request (batched calls share it): no EntityManager here, see `dbProcedure`. */
export interface Context {
  orm: Orm;
  requestId: string;
  log: Logger;
  /** The bearer token of the Authorization header, if any (resolved to a user by `authedProcedure`). */
  token: string | null;
  clientAddress: string;
  loginLimiter: LoginLimiter;
}

/** Reads `Authorization: Bearer <token>`. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer ([\w-]{20,100})$/.exec(header?.trim() ?? '');
  return match?.[1] ?? null;
}

const t = initTRPC.context<Context>().create({
  transformer,
  // Stack traces never reach the client; internal errors are masked (the server log keeps them).
  isDev: false,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    const message = internal
      ? 'Internal server error'
      : cause instanceof ZodError
        ? `Invalid input: ${z.prettifyError(cause).replace(/\s*\n\s*/g, ' ')}`
        : shape.message;
    return {
      ...shape,
      message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
        domain: cause instanceof DomainError ? domainErrorDetails(cause) : null,
      },
    };
  },
});

function domainErrorDetails(error: DomainError) {
  return {
    kind: error.kind,
    field: 'field' in error && typeof error.field === 'string' ? error.field : null,
    conflicts: 'conflicts' in error && Array.isArray(error.conflicts) ? error.conflicts : null,
  };
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** No database: liveness and the like. */
export const publicProcedure = t.procedure;

export const isAdmin = (principal: Principal) => principal.roles.includes('admin');

/**
 * Every database-backed procedure: its own EntityManager fork (batched calls never share an identity
 * map), and domain errors from the services mapped to tRPC codes in this one place.
 */
export const dbProcedure = t.procedure.use(async ({ ctx, next }) => {
  const em: EntityManager = ctx.orm.em.fork();
  const result = await next({ ctx: { em } });
  if (!result.ok && result.error.cause instanceof DomainError) throw domainErrorToTRPC(result.error.cause);
  return result;
});

/** Signed-in callers only (401 otherwise); `ctx.principal` is the user behind the bearer token. */
export const authedProcedure = dbProcedure.use(async ({ ctx, next }) => {
  const principal = ctx.token ? await authenticate(ctx.em, ctx.token) : null;
  if (!principal)
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first: Authorization: Bearer <token>' });
  return next({ ctx: { principal } });
});

/** Callers holding the "admin" role (403 for other signed-in users). */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!isAdmin(ctx.principal)) throw new TRPCError({ code: 'FORBIDDEN', message: 'admin role required' });
  return next();
});

/**
 * Object-level rule (OWASP API1): a customer may only touch their own user id. Someone else's id answers
 * NOT_FOUND, exactly like an id that does not exist, so ids cannot be probed.
 */
export function requireSelfOrAdmin(principal: Principal, userId: number): void {
  if (principal.userId !== userId && !isAdmin(principal)) {
    throw new TRPCError({ code: 'NOT_FOUND', message: `user ${userId} not found` });
  }
}

export { TRPCError };
