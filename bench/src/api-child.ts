// The API as users run it: `node apps/api/src/main.ts` in a child process (production mode, quiet logs,
// API_WORKERS=N) on a free port, ready once GET /trpc/health.live answers 200 — @shop/api/testing's
// spawner, with the bench's longer timeouts and a stop that reports (not fails on) an unclean exit.
import { readdirSync, readFileSync } from 'node:fs';
import { startApiProcess } from '@shop/api/testing';

export interface ApiChild {
  /** The tRPC base URL, http://127.0.0.1:PORT/trpc */
  url: string;
  /** Origin for the load generator, http://127.0.0.1:PORT */
  origin: string;
  pid: number;
  /** SIGTERM, then waits for the exit (a graceful stop: in-flight requests finish, profiles are written). */
  stop(): Promise<void>;
}

export interface ApiChildOptions {
  databaseUrl: string;
  workers: number;
  /** Extra Node flags before the entry point (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** More environment (e.g. DATABASE_REPLICA_URLS). */
  env?: Record<string, string>;
}

export async function startApiChild({
  databaseUrl,
  workers,
  nodeFlags = [],
  env = {},
}: ApiChildOptions): Promise<ApiChild> {
  const api = await startApiProcess({
    databaseUrl,
    env: { ...env, API_WORKERS: String(workers) },
    nodeFlags,
    readyTimeoutMs: 60_000,
    stopTimeoutMs: 30_000,
  });
  return {
    url: api.url,
    origin: api.origin,
    pid: api.pid,
    async stop() {
      const before = api.exitStatus();
      if (before) throw new Error(`${api.describe()}\nexited with ${before} while the bench was using it`);
      const status = await api.stop();
      // Reported, not fatal: the numbers were taken while it ran.
      if (status !== 'code 0') console.error(`[bench] warning: ${api.describe()}\nstopped with ${status} on SIGTERM`);
    },
  };
}

/** Processes in the tree of `pid` (the API and its cluster workers), from /proc; null where /proc is missing. */
export function processTree(pid: number): number | null {
  try {
    const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
    return 1 + children.reduce((sum, child) => sum + (processTree(child) ?? 0), 0);
  } catch {
    return null;
  }
}
