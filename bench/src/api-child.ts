// The API as users run it: `node apps/api/src/main.ts` in a child process (production mode, quiet logs,
// API_WORKERS=N) on a free port, ready once GET /trpc/health.live answers 200; stopped with SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = 'apps/api/src/main.ts';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

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
}

/** Children still running, killed if the bench itself dies so no server outlives it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.pid) process.kill(child.pid, 'SIGKILL');
});

/** A port nobody listens on right now: listen on port 0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Keeps the last `limit` characters of a stream (the child's stderr for error messages). */
function tail(stream: NodeJS.ReadableStream | null, limit = 8_000) {
  let text = '';
  stream?.on('data', (chunk) => {
    text = (text + String(chunk)).slice(-limit);
  });
  return () => text.trim();
}

export async function startApiChild({ databaseUrl, workers, nodeFlags = [] }: ApiChildOptions): Promise<ApiChild> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      API_WORKERS: String(workers),
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const stderr = tail(child.stderr);
  const stdout = tail(child.stdout, 2_000);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ? `signal ${signal}` : `code ${code}`;
      running.delete(child);
      resolve();
    });
  });
  const origin = `http://127.0.0.1:${port}`;
  const describe = () =>
    `${MAIN} (API_WORKERS=${workers}, PORT=${port})${stderr() ? `; stderr:\n${stderr()}` : ''}${stdout() ? `\nstdout:\n${stdout()}` : ''}`;

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = '';
  for (;;) {
    if (exited) throw new Error(`${describe()}\nexited with ${exited} before answering health.live`);
    try {
      const response = await fetch(`${origin}/trpc/health.live`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline) {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
      await exit;
      throw new Error(`${describe()}\nno 200 from health.live within ${READY_TIMEOUT_MS / 1000} s (${lastError})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const pid = child.pid as number;
  return {
    url: `${origin}/trpc`,
    origin,
    pid,
    async stop() {
      if (exited) throw new Error(`${describe()}\nexited with ${exited} while the bench was using it`);
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (!exited) process.kill(pid, 'SIGKILL');
      }, STOP_TIMEOUT_MS);
      await exit;
      clearTimeout(timer);
      // Reported, not fatal: the numbers were taken while it ran.
      if (exited !== 'code 0') console.error(`[bench] warning: ${describe()}\nstopped with ${exited} on SIGTERM`);
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
