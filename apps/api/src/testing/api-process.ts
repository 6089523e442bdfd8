// @shop/api/testing: the API as users run it, in a child process — `node apps/api/src/main.ts` (production
// mode, silent logs) on a free port, ready once GET /trpc/health.live answers 200; stopped with SIGTERM, or
// killed with SIGKILL. Used by the multi-process tests and by the bench; never by the API itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@shop/db/testing/ports';

/** The API's connection limits as it runs them (a load generator keeps to `maxRequestsPerSocket`). */
export { DEFAULT_CONNECTION_LIMITS } from '../http/connection-limits.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = 'apps/api/src/main.ts';

export interface ApiProcess {
  /** The tRPC base URL, http://127.0.0.1:PORT/trpc */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  pid: number;
  /** How it ended ("code 0", "signal SIGKILL"), or undefined while it runs. */
  exitStatus(): string | undefined;
  /** The last lines it wrote to stderr (for error messages). */
  stderr(): string;
  /** The last 4 MB it wrote to stdout (its log lines). */
  stdout(): string;
  /** Its command, port and output tails, for error messages. */
  describe(): string;
  /** SIGTERM (a graceful stop: in-flight requests finish), then waits for the exit; no-op once exited. */
  stop(): Promise<string>;
  /** SIGKILL (no chance to finish anything), then waits for the exit; no-op once exited. */
  kill(): Promise<string>;
}

export interface ApiProcessOptions {
  databaseUrl: string;
  /** Extra environment (overrides the defaults below). */
  env?: Record<string, string>;
  /** Node flags before the entry point (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** How long to wait for the first 200 from health.live (default 30 s). */
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL (default 15 s). */
  stopTimeoutMs?: number;
}

const STDOUT_KEPT = 4 * 1024 * 1024;

/** Children still running: killed if the test process exits first, so no server outlives the suite. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.pid) process.kill(child.pid, 'SIGKILL');
});

/**
 * This process's environment without the metrics server's variables: every child would otherwise try to
 * listen on the same METRICS_PORT (a test that wants metrics passes them in `env`).
 */
function inherited(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['METRICS_PORT', 'METRICS_HOST', 'METRICS_TOKEN']) delete env[name];
  return env;
}

export async function startApiProcess({
  databaseUrl,
  env = {},
  nodeFlags = [],
  readyTimeoutMs = 30_000,
  stopTimeoutMs = 15_000,
}: ApiProcessOptions): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, MAIN], {
    cwd: ROOT,
    env: {
      ...inherited(),
      DATABASE_URL: databaseUrl,
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  // stdout in chunks, the oldest dropped past STDOUT_KEPT characters (a tail, without copying it per chunk).
  const stdoutChunks: string[] = [];
  let stdoutKept = 0;
  const stdout = () => stdoutChunks.join('');
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8_000);
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdoutChunks.push(chunk);
    stdoutKept += chunk.length;
    while (stdoutKept > STDOUT_KEPT && stdoutChunks.length > 1) stdoutKept -= stdoutChunks.shift()?.length ?? 0;
  });
  let exitStatus: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = signal ? `signal ${signal}` : `code ${code}`;
      running.delete(child);
      resolve(exitStatus);
    });
  });
  const origin = `http://127.0.0.1:${port}`;
  const describe = () =>
    `${MAIN} (PORT=${port}${env.API_WORKERS ? `, API_WORKERS=${env.API_WORKERS}` : ''})` +
    `${stderr.trim() ? `; stderr:\n${stderr.trim()}` : ''}${stdout().trim() ? `\nstdout:\n${stdout().trim().slice(-2_000)}` : ''}`;

  const deadline = Date.now() + readyTimeoutMs;
  let lastError = '';
  for (;;) {
    if (exitStatus) throw new Error(`${describe()}\nexited with ${exitStatus} before answering health.live`);
    try {
      const response = await fetch(`${origin}/trpc/health.live`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`${describe()}\nno 200 from health.live within ${readyTimeoutMs / 1000} s (${lastError})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const pid = child.pid as number;
  const signal = async (name: 'SIGTERM' | 'SIGKILL') => {
    if (exitStatus) return exitStatus;
    process.kill(pid, name);
    const timer = setTimeout(() => {
      if (!exitStatus) process.kill(pid, 'SIGKILL');
    }, stopTimeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    url: `${origin}/trpc`,
    origin,
    pid,
    exitStatus: () => exitStatus,
    stderr: () => stderr.trim(),
    stdout,
    describe,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}
