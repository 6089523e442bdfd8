// Runs the API as users start it: in this process (API_WORKERS=1), or as N node:cluster workers sharing one
// port. The primary migrates once before forking, replaces a worker that dies after it was serving, and
// stops every worker gracefully on SIGINT/SIGTERM. This file is also the workers' entry point.
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { loadDatabaseSettings } from '@shop/db';
import { loadApiSettings } from './env.ts';
import { createLogger } from './logger.ts';
import { openDatabase, startApi, stopOnSignals } from './start.ts';

export interface RunApiOptions {
  /** Apply pending migrations first (in the primary, once, before any worker starts). */
  migrate?: boolean;
  /** Processes serving the port; defaults to API_WORKERS (1: no cluster, serve in this process). */
  workers?: number;
  env?: NodeJS.ProcessEnv;
  /** Called once, when every worker listens, with the URL they share (…/trpc). */
  onListening?: (url: string) => void;
}

export interface RunningService {
  url: string;
  workers: number;
}

/** Worker → primary messages. */
type WorkerMessage = { type: 'shop-api:listening'; url: string } | { type: 'shop-api:failed'; message: string };

/** How long the primary waits for workers to finish in-flight requests (theirs is 10 s) before SIGKILL. */
const STOP_TIMEOUT_MS = 15_000;

/**
 * Serves the API until SIGINT/SIGTERM, then stops gracefully and exits the process (0 when every worker
 * stopped cleanly). Resolves once the API is listening; rejects with one clear line when it cannot start
 * (a worker that fails before listening stops the whole service rather than being restarted in a loop).
 */
export async function runApi({
  migrate = false,
  workers,
  env = process.env,
  onListening,
}: RunApiOptions = {}): Promise<RunningService> {
  const count = workers ?? loadApiSettings(env).API_WORKERS;
  if (count === 1) {
    const api = await startApi({ migrate, env });
    stopOnSignals(api);
    onListening?.(api.url);
    return { url: api.url, workers: 1 };
  }
  return runPrimary({ migrate, workers: count, env, onListening });
}

async function runPrimary({
  migrate,
  workers,
  env,
  onListening,
}: {
  migrate: boolean;
  workers: number;
  env: NodeJS.ProcessEnv;
  onListening?: (url: string) => void;
}): Promise<RunningService> {
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error('workers: an integer from 1 to 64');
  const { target } = loadDatabaseSettings(env);
  if (target.dialect === 'sqlite' && target.file === ':memory:') {
    throw new Error(
      `API_WORKERS=${workers} needs a database file or PostgreSQL: each worker would get its own empty in-memory SQLite`,
    );
  }
  const log = createLogger(loadApiSettings(env), env);
  // Migrations run here, before any worker exists: workers only check that nothing is pending.
  const { orm, database } = await openDatabase({ migrate, env, log });
  await orm.close();

  return new Promise<RunningService>((resolve, reject) => {
    const alive = new Set<Worker>();
    const listening = new Map<Worker, string>();
    const failures = new Map<Worker, string>();
    let started = false;
    let stopping = false;
    let failure: Error | undefined;
    let clean = true;

    const fork = () => {
      const worker = cluster.fork(env === process.env ? undefined : env);
      alive.add(worker);
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'shop-api:failed') failures.set(worker, message.message);
        else if (message.type === 'shop-api:listening') onWorkerListening(worker, message.url);
      });
      // 'close', not 'exit': it comes after the IPC channel is drained, so a failure message is never lost.
      worker.process.once('close', (code, signal) => onWorkerGone(worker, code, signal));
    };

    const onWorkerListening = (worker: Worker, url: string) => {
      listening.set(worker, url);
      if (started || stopping || listening.size < workers) return;
      started = true;
      const urls = new Set(listening.values());
      if (urls.size > 1) log.warn({ urls: [...urls] }, 'workers listen on different addresses');
      log.info({ url, database, workers }, 'shop-api listening (all workers)');
      onListening?.(url);
      resolve({ url, workers });
    };

    const onWorkerGone = (worker: Worker, code: number | null, signal: NodeJS.Signals | null) => {
      alive.delete(worker);
      const served = listening.delete(worker);
      if (stopping) {
        // Killed by our own SIGTERM before it had installed its handlers: nothing was in flight.
        if (code !== 0 && signal !== 'SIGTERM') clean = false;
        if (alive.size === 0) finish();
        return;
      }
      if (!served) {
        // Dying before listening is a configuration or start-up problem: a replacement would die the same way.
        failure = new Error(failures.get(worker) ?? `a worker exited (${signal ?? `code ${code}`}) before listening`);
        log.fatal({ worker: worker.process.pid, code, signal, err: failure.message }, 'worker failed to start');
        stopAll();
        return;
      }
      log.error({ worker: worker.process.pid, code, signal }, 'worker died: starting a replacement');
      fork();
    };

    const stopAll = () => {
      stopping = true;
      if (alive.size === 0) return finish();
      for (const worker of alive) worker.process.kill('SIGTERM');
      setTimeout(() => {
        for (const worker of alive) {
          log.error({ worker: worker.process.pid }, 'worker did not stop in time: killing it');
          worker.process.kill('SIGKILL');
        }
      }, STOP_TIMEOUT_MS).unref();
    };

    const finish = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (failure && !started) return reject(failure);
      log.info({ clean }, 'stopped');
      process.exit(failure || !clean ? 1 : 0);
    };

    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      log.info({ signal, workers: alive.size }, 'shutting down: workers finish their in-flight requests');
      stopAll();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    // Every worker runs this file. listen(0) in a worker gets the port the primary bound for the first one
    // (node:cluster keys listening handles by address), so PORT=0 still means one shared port.
    cluster.setupPrimary({ exec: fileURLToPath(import.meta.url), args: [] });
    for (let i = 0; i < workers; i++) fork();
  });
}

/** A worker: serve, report the URL (or the reason it could not) to the primary, stop on signals. */
async function runWorker(): Promise<void> {
  try {
    const api = await startApi({ migrate: false });
    stopOnSignals(api);
    process.send?.({ type: 'shop-api:listening', url: api.url } satisfies WorkerMessage);
  } catch (error) {
    const message: WorkerMessage = { type: 'shop-api:failed', message: (error as Error).message };
    process.send?.(message, undefined, {}, () => process.exit(1));
  }
}

if (cluster.isWorker && import.meta.main) await runWorker();
