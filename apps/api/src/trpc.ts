// tRPC init: context, transformer, the one error formatter, and the procedure every router builds on.
import { DomainError, type EntityManager, type Orm } from '@shop/db';
import { initTRPC, TRPCError } from '@trpc/server';
import type { Logger } from 'pino';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import { domainErrorToTRPC } from './errors.ts';

/** Built once per HTTP request (batched calls share it): no EntityManager here, see `dbProcedure`. */
export interface Context {
  orm: Orm;
  requestId: string;
  log: Logger;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
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

export { TRPCError };
