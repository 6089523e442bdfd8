// The typed shop client: tRPC with a batching link and the server's transformer. AppRouter is imported as
// a type only, so bundling this package pulls in no server code.
import type { AppRouter } from '@shop/api';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import superjson from 'superjson';
import { normalizeApiUrl } from './api-url.ts';

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type ShopClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export type TokenSource = string | null | (() => string | null | undefined | Promise<string | null | undefined>);

export interface ShopClientOptions {
  /** e.g. http://127.0.0.1:3000/trpc */
  url: string;
  /** Session token from `auth.login`, or a getter (called per request) for tokens that change. */
  token?: TokenSource;
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  fetch?: typeof globalThis.fetch;
  /** Calls per batched request; keep at or below the server's API_MAX_BATCH_SIZE (default 20). */
  maxBatchItems?: number;
}

export function createShopClient({ url, token, headers, fetch, maxBatchItems = 20 }: ShopClientOptions): ShopClient {
  const requestHeaders = async (): Promise<Record<string, string>> => {
    const base = typeof headers === 'function' ? await headers() : (headers ?? {});
    const current = typeof token === 'function' ? await token() : token;
    return current ? { ...base, authorization: `Bearer ${current}` } : base;
  };
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: normalizeApiUrl(url),
        transformer: superjson,
        maxItems: maxBatchItems,
        // Long GET urls of big batches are split rather than rejected by proxies.
        maxURLLength: 8_000,
        headers: requestHeaders,
        ...(fetch ? { fetch } : {}),
      }),
    ],
  });
}

/** A failed call's tRPC error, typed with the server's error shape (code, httpStatus, zodError, domain). */
export type ShopClientError = TRPCClientError<AppRouter>;

export function isShopClientError(error: unknown): error is ShopClientError {
  return error instanceof TRPCClientError;
}
