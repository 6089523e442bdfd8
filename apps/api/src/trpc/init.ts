// tRPC init: context, transformer, the one error formatter, and the procedure builders, each declaring who
// may call the procedures built on it (`meta.access`).
import {
  type Actor,
  authenticate,
  callerWroteRecently,
  DomainError,
  type EntityManager,
  isDatabaseUnavailable,
  NotFoundError,
  noteCallerWrite,
  type Orm,
  OutOfStockError,
  type Principal,
  readReplicaFork,
  type Scope,
  toDomainError,
  userScope,
} from '@shop/db';
import { initTRPC, TRPCError } from '@trpc/server';
import type { Logger } from 'pino';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { ZodError, z } from 'zod';
import { databaseUnavailable, domainErrorToTRPC } from './errors.ts';
import type { Loaders } from './loaders.ts';
import type { LoginLimiter } from './login-limiter.ts';
import type { RestMeta } from './rest-meta.ts';
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
  /** Every `Idempotency-Key` header sent, in order (transfers and checkouts take one; two are refused). */
  idempotencyKeys: readonly string[];
  /** Reads the calls of this request share (loaders.ts); middlewares copy the context, this object stays one. */
  loaders: Loaders;
  /** Told how each call ended, batched and REST calls too (process/metrics.ts counts them); optional. */
  onCallSettled?: CallListener;
}

/** A call's procedure and outcome: its result, or the code of the error it answered. */
export type CallListener = (
  call: { path: string; ok: true; data: unknown } | { path: string; ok: false; code: TRPCError['code'] },
) => void;

/** Reads `Authorization: Bearer <token>`. */
function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer ([\w-]{20,100})$/.exec(header?.trim() ?? '');
  return match?.[1] ?? null;
}

/** The one way a Context is built: by the HTTP server for each request, and by the tests' callers. */
export function createContext(request: {
  orm: Orm;
  loginLimiter: LoginLimiter;
  log: Logger;
  requestId: string;
  authorization: string | undefined;
  clientAddress: string | undefined;
  idempotencyKeys?: readonly string[];
  onCallSettled?: CallListener;
}): Context {
  return {
    orm: request.orm,
    loginLimiter: request.loginLimiter,
    log: request.log,
    requestId: request.requestId,
    token: bearerToken(request.authorization),
    clientAddress: request.clientAddress ?? 'unknown',
    idempotencyKeys: request.idempotencyKeys ?? [],
    loaders: {},
    ...(request.onCallSettled && { onCallSettled: request.onCallSettled }),
  };
}

/**
 * Who may call a procedure: anyone (`public`), any signed-in user (`signedIn`), the owner of the rows it
 * touches or an admin (`owner`: someone else's rows answer 404, like missing ones), or admins only.
 */
export type Access = 'public' | 'signedIn' | 'owner' | 'admin';
/** `access` comes from the builder; `openapi` and `rest` (rest-meta.ts `rest()`) expose a procedure over REST. */
// access is optional only in the type (tRPC's .meta() takes the whole shape); every builder sets it, and
// access.test.ts fails for a procedure without one.
/** `reads: 'replica'`: a public read of the catalog a read replica may answer (`replicaReadProcedure`). */
export type Meta = OpenApiMeta<{ access?: Access; rest?: RestMeta; reads?: 'replica' }>;

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
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
    // Which product (OUT_OF_STOCK, or a product NOT_FOUND), and how many are left, so a cart can say so
    // beside the line.
    productId: error instanceof OutOfStockError ? error.productId : missingProductId(error),
    available: error instanceof OutOfStockError ? error.available : null,
  };
}

function missingProductId(error: DomainError): number | null {
  return error instanceof NotFoundError && error.entity === 'product' && typeof error.key === 'number'
    ? error.key
    : null;
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Every procedure's outermost middleware: it sees each call's final outcome, input and output errors included. */
const reportedProcedure = t.procedure.use(async ({ ctx, path, next }) => {
  const result = await next();
  ctx.onCallSettled?.(result.ok ? { path, ok: true, data: result.data } : { path, ok: false, code: result.error.code });
  return result;
});

/** No database: liveness and the like. */
export const publicProcedure = reportedProcedure.meta({ access: 'public' });

const isAdmin = (principal: Principal) => principal.roles.includes('admin');

/**
 * The boundary every service call passes: driver exceptions become domain errors (whether or not the service
 * translated them), and domain errors become tRPC codes, here only. A call that failed because the database
 * is unreachable is a 503, not an internal error.
 */
function translated<Result extends { ok: true } | { ok: false; error: TRPCError }>(result: Result): Result {
  if (!result.ok) {
    const cause = toDomainError(result.error.cause);
    if (cause instanceof DomainError) throw domainErrorToTRPC(cause);
    if (result.error.code === 'INTERNAL_SERVER_ERROR' && isDatabaseUnavailable(cause)) throw databaseUnavailable(cause);
  }
  return result;
}

// Read-your-writes with read replicas (docs/replicas.md): a caller is known by its session token, or, without
// one, by its client address. A mutation marks it; its catalog reads then go to the primary for
// REPLICA_STICKY_MS, in this process. Without replicas both are no-ops.
const writerKeys = (ctx: Context) => [ctx.token ? `token:${ctx.token}` : `address:${ctx.clientAddress}`];
const readerKeys = (ctx: Context) =>
  ctx.token ? [`token:${ctx.token}`, `address:${ctx.clientAddress}`] : [`address:${ctx.clientAddress}`];

/**
 * Every database-backed procedure: its own EntityManager fork on the primary (batched calls never share an
 * identity map), and errors translated once. A mutation makes its caller read the primary for a while.
 */
export const dbProcedure = reportedProcedure.meta({ access: 'public' }).use(async ({ ctx, type, next }) => {
  const em: EntityManager = ctx.orm.em.fork();
  const result = await next({ ctx: { em } });
  if (type === 'mutation') noteCallerWrite(ctx.orm, writerKeys(ctx));
  return translated(result);
});

/**
 * Where a catalog read of this request goes: a read replica in rotation (readReplicaFork), unless the caller
 * wrote within REPLICA_STICKY_MS in this process; then, like every read without replicas, the primary.
 */
function catalogReader(ctx: Context): EntityManager {
  return callerWroteRecently(ctx.orm, readerKeys(ctx)) ? ctx.orm.em.fork() : readReplicaFork(ctx.orm);
}

/**
 * Public reads of the catalog (products, categories, their statistics) that a read replica may answer: data
 * anyone may see, a few seconds old at worst (REPLICA_MAX_LAG_MS). Money, orders, users and sessions, and
 * everything a signed-in procedure reads, stay on the primary (`dbProcedure` and the builders below).
 */
export const replicaReadProcedure = reportedProcedure
  .meta({ access: 'public', reads: 'replica' })
  .use(async ({ ctx, next }) => translated(await next({ ctx: { em: catalogReader(ctx) } })));

/** Signed-in callers only (401 otherwise); `ctx.principal` is the user behind the bearer token. */
export const authedProcedure = dbProcedure.meta({ access: 'signedIn' }).use(async ({ ctx, next }) => {
  const principal = ctx.token ? await authenticate(ctx.em, ctx.token) : null;
  if (!principal)
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first: Authorization: Bearer <token>' });
  return next({ ctx: { principal } });
});

/** Callers holding the "admin" role (403 for other signed-in users). */
export const adminProcedure = authedProcedure.meta({ access: 'admin' }).use(({ ctx, next }) => {
  if (!isAdmin(ctx.principal)) throw new TRPCError({ code: 'FORBIDDEN', message: 'admin role required' });
  return next();
});

/**
 * Object-level rule (OWASP API1): `ctx.scope` is whose rows the caller may touch (`'any'` for an admin,
 * else the caller's own). Every service such a procedure calls requires it and applies it in the same
 * statement that reads or changes the rows; someone else's row answers NOT_FOUND, exactly like a missing one.
 */
export const ownerProcedure = authedProcedure.meta({ access: 'owner' }).use(({ ctx, next }) => {
  const scope: Scope = isAdmin(ctx.principal) ? 'any' : userScope(ctx.principal.userId);
  return next({ ctx: { scope } });
});

/**
 * Who is changing users, for the rules on admin access (`keepAnActiveAdmin`): the signed-in admin, so that
 * deactivating, deleting or un-admin-ing oneself is refused.
 */
export const actorOf = (ctx: { principal: Principal }): Actor => ({ userId: ctx.principal.userId });

export { TRPCError };
