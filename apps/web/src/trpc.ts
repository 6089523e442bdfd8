// The typed procedures for React: the same client as scripts use (@shop/client, AppRouter as a type only),
// wrapped by tRPC's TanStack Query integration.
import { type AppRouter, createShopClient, type RouterOutputs } from '@shop/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { readToken } from './session-storage.ts';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** One client for the page's lifetime; the token is read per request, so signing in needs no new client. */
export const createBrowserClient = () =>
  createShopClient({ url: `${window.location.origin}/trpc`, token: readToken, maxBatchItems: 10 });

export type { RouterOutputs };
export type Me = RouterOutputs['auth']['me'];
export type Product = RouterOutputs['products']['byId'];
