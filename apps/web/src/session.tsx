// Who is signed in: the token (sessionStorage) and `auth.me`. Signing in or out resets every cached query,
// so no page shows data fetched as someone else.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { readToken, writeToken } from './session-storage.ts';
import { type Me, useTRPC } from './trpc.ts';

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
  const queryClient = useQueryClient();
  const [token, setToken] = useState(readToken);
  const me = useQuery({ ...trpc.auth.me.queryOptions(), enabled: token !== null, retry: false });
  if (token && me.error && (me.error as { data?: { httpStatus?: number } }).data?.httpStatus === 401) {
    // An expired or revoked token: forget it, as if signed out.
    writeToken(null);
    setToken(null);
  }
  const signIn = useCallback(
    async (next: string) => {
      writeToken(next);
      setToken(next);
      await queryClient.resetQueries();
    },
    [queryClient],
  );
  const signOut = useCallback(async () => {
    writeToken(null);
    setToken(null);
    queryClient.clear();
  }, [queryClient]);
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
