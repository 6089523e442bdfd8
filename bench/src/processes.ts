// Child processes of the bench besides the API (see api-child.ts): the raw baseline and db:export.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Running {
  url: string;
  stop(): Promise<void>;
}

/** Forks a TypeScript entry point that reports `{ url }` over IPC once it listens. */
export function startChild(entry: string, env: Record<string, string>): Promise<Running> {
  const child: ChildProcess = fork(fileURLToPath(new URL(entry, import.meta.url)), [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  // Never outlive the bench, even when it fails.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    const early = (code: number | null) => reject(new Error(`${entry} exited with ${code} before listening`));
    child.once('exit', early);
    child.once('message', (message: { url: string }) => {
      child.off('exit', early);
      resolve({
        url: message.url,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

export const startBaseline = (databaseUrl: string) => startChild('./baseline.ts', { DATABASE_URL: databaseUrl });

/** Runs `db:export` exactly as users do (its package script, with its heap flags) and returns its peak RSS. */
export function measureExport(databaseUrl: string): Promise<{ peakRssMiB: number; seconds: number; rows: number }> {
  const started = performance.now();
  const child = spawn('pnpm', ['--silent', 'run', 'db:export', '--out', '/dev/null'], {
    cwd: fileURLToPath(new URL('../../packages/db/', import.meta.url)),
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const rss = /peak RSS (\d+) MiB/.exec(stderr)?.[1];
      const rows = /exported (\d+) products to/.exec(stderr)?.[1];
      if (code !== 0 || !rss || !rows) return reject(new Error(`export failed (${code}): ${stderr.trim()}`));
      resolve({ peakRssMiB: Number(rss), seconds: (performance.now() - started) / 1000, rows: Number(rows) });
    });
  });
}
