// The typed procedures for React: the same client as scripts use (@shop/client, AppRouter as a type only),
// wrapped by tRPC's TanStack Query integration.
import { type AppRouter, createShopClient, isShopClientError, type RouterOutputs } from '@shop/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { readToken } from './session-storage.ts';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** One client for the page's lifetime; the token is read per request, so signing in needs no new client. */
export const createBrowserClient = () =>
  createShopClient({ url: `${window.location.origin}/trpc`, token: readToken, maxBatchItems: 10 });

export type { RouterOutputs };
export type Me = RouterOutputs['auth']['me'];
export type Product = RouterOutputs['products']['byId'];

/** What went wrong, in words a person understands, plus per-field messages to show beside the inputs. */
export interface ProblemReport {
  status: number;
  message: string;
  fields: Record<string, string>;
}

export function describeProblem(error: unknown): ProblemReport {
  // A failed fetch is a client error too, but one without an answer (no data): the shop was not reached.
  if (!isShopClientError(error) || !error.data) {
    return { status: 0, message: 'The shop cannot be reached. Check your connection and try again.', fields: {} };
  }
  const status = error.data?.httpStatus ?? 500;
  const fields: Record<string, string> = {};
  for (const [field, messages] of Object.entries(error.data?.zodError?.fieldErrors ?? {})) {
    if (Array.isArray(messages) && messages[0]) fields[field] = messages[0];
  }
  const domainField = error.data?.domain?.field;
  if (domainField && !fields[domainField]) fields[domainField] = error.message;
  const message =
    status === 400 && Object.keys(fields).length > 0
      ? 'Please correct the highlighted fields.'
      : status === 401
        ? error.message.startsWith('sign in first')
          ? 'Please sign in.'
          : `Sign-in refused: ${error.message}.`
        : status === 403
          ? 'Admin only: your account cannot do this.'
          : status === 404
            ? `Not found: ${error.message}`
            : status === 429
              ? error.message
              : status >= 500
                ? 'Something went wrong on our side. Please try again.'
                : error.message;
  return { status, message, fields };
}
