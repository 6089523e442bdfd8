// Domain error → tRPC code (and so HTTP status): the API's single mapping; and fastify's own errors.
import type { DomainError, DomainErrorKind } from '@shop/db';
import { TRPCError } from '@trpc/server';

const CODE_BY_KIND = {
  NOT_FOUND: 'NOT_FOUND', // 404
  CONFLICT: 'CONFLICT', // 409
  INSUFFICIENT_FUNDS: 'UNPROCESSABLE_CONTENT', // 422: well-formed, but the business rule refuses it
  OUT_OF_STOCK: 'UNPROCESSABLE_CONTENT', // 422: fewer units left than asked (data.domain says which, how many)
  INVALID: 'BAD_REQUEST', // 400
  FORBIDDEN: 'FORBIDDEN', // 403: the caller's scope does not allow it
} as const satisfies Record<DomainErrorKind, TRPCError['code']>;

export function domainErrorToTRPC(error: DomainError): TRPCError {
  return new TRPCError({ code: CODE_BY_KIND[error.kind], message: error.message, cause: error });
}

/**
 * The database is gone, or gave no connection within DB_CONNECT_TIMEOUT_MS (`isDatabaseUnavailable`): 503, and
 * a retry later may succeed. What failed stays in the server's log, as for an internal error.
 */
export const databaseUnavailable = (cause: unknown) =>
  new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'the database is unavailable: try again shortly', cause });

/** How long a client is asked to wait after a 503 before it tries again (`Retry-After`, seconds). */
export const RETRY_AFTER_SECONDS = 5;

/** The headers an answer with this HTTP status adds: `Retry-After` on a 503, none otherwise. */
export const retryHeaders = (status: number): Record<string, string> | undefined =>
  status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : undefined;

/** Failures of the server, not of the call: logged with their cause and the request id. */
export const isServerFault = (error: TRPCError) =>
  error.code === 'INTERNAL_SERVER_ERROR' || error.code === 'SERVICE_UNAVAILABLE';

/** Errors fastify raises before a procedure sees the request (its body parser and limit), as tRPC codes. */
export const FASTIFY_ERRORS: Record<number, TRPCError['code']> = {
  400: 'BAD_REQUEST',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};
