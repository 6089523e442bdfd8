// Who is signed in: the token (sessionStorage) and `auth.me`. Signing in or out resets every cached query,
// so no page shows data fetched as someone else. Signing out revokes the token on the server too. Any
// answer 401 (an expired or revoked token, from any query or mutation but the sign-in itself) signs the page
// out, and the signed-in pages send the user to the sign-in page and back.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { readToken, writeToken } from './session-storage.ts';
import { type Me, useTRPC, useTRPCClient } from './trpc.ts';

/** A 401 that means "this token is no good" (a wrong password at sign-in is a 401 of another kind). */
const rejectsToken = (error: unknown) => {
  const data = (error as { data?: { httpStatus?: number; path?: string } } | null)?.data;
  return data?.httpStatus === 401 && data.path !== 'auth.login';
};

interface Session {
  me: Me | null;
  loading: boolean;
  isAdmin: boolean;
  signIn(token: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [token, setToken] = useState(readToken);
  const me = useQuery({ ...trpc.auth.me.queryOptions(), enabled: token !== null, retry: false });
  const forget = useCallback(() => {
    writeToken(null);
    setToken(null);
    queryClient.clear();
  }, [queryClient]);
  useEffect(() => {
    const onError = (event: { type: string; action?: { type: string; error?: unknown } }) => {
      // Not while the cache is notifying: clearing it is a change of its own.
      if (event.type === 'updated' && event.action?.type === 'error' && rejectsToken(event.action.error))
        queueMicrotask(forget);
    };
    const queries = queryClient.getQueryCache().subscribe(onError);
    const mutations = queryClient.getMutationCache().subscribe(onError);
    return () => {
      queries();
      mutations();
    };
  }, [queryClient, forget]);
  const signIn = useCallback(
    async (next: string) => {
      writeToken(next);
      setToken(next);
      await queryClient.resetQueries();
    },
    [queryClient],
  );
  const signOut = useCallback(async () => {
    // Revoked on the server first, so a copy of the token is worthless too; signed out here either way, and
    // after 3 s at the latest when the server does not answer.
    await Promise.race([
      client.auth.logout.mutate().catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, 3_000)),
    ]);
    forget();
  }, [client, forget]);
  const value = useMemo<Session>(() => {
    const user = token ? (me.data ?? null) : null;
    return {
      me: user,
      loading: token !== null && me.isPending,
      isAdmin: user?.roles.includes('admin') ?? false,
      signIn,
      signOut,
    };
  }, [token, me.data, me.isPending, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
