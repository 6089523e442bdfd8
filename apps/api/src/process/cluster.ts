// Runs the API until SIGINT/SIGTERM stop it gracefully: in this process (API_WORKERS=1) or as N node:cluster
// workers on one port, migrated for once and replaced when one dies. Also the workers' entry point.
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { loadDatabaseSettings } from '@shop/db';
import { loadApiSettings } from './env.ts';
import { createLogger } from './logger.ts';
import { serveMetrics, workersScrape } from './metrics-server.ts';
import { openDatabase, type RunningApi, startApi } from './start.ts';

/** Worker → primary messages. */
type WorkerMessage = { type: 'shop-api:listening'; url: string } | { type: 'shop-api:failed'; message: string };

/** How long the primary waits for workers to finish in-flight requests (theirs is 10 s) before SIGKILL. */
const STOP_TIMEOUT_MS = 15_000;

/**
 * Serves the API with API_WORKERS processes until SIGINT/SIGTERM, then stops gracefully and exits the process
 * (0 when every worker stopped cleanly). `migrate` applies pending migrations first (once, in the primary).
 * Resolves once the API is listening; rejects with one clear line when it cannot start (a worker that fails
 * before listening stops the whole service rather than being restarted in a loop).
 */
export async function runApi({ migrate = false }: { migrate?: boolean } = {}): Promise<void> {
  const workers = loadApiSettings().API_WORKERS;
  if (workers === 1) stopOnSignals(await startApi({ migrate }));
  else await runPrimary(migrate, workers);
}

/** Stops `api` gracefully on the first SIGINT/SIGTERM, then exits. */
export function stopOnSignals(api: RunningApi): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    api.log.info({ signal }, 'shutting down: finishing in-flight requests');
    await api.stop();
    api.log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function runPrimary(migrate: boolean, workers: number): Promise<void> {
  const { target } = loadDatabaseSettings();
  if (target.dialect === 'sqlite' && target.file === ':memory:') {
    throw new Error(
      `API_WORKERS=${workers} needs a database file or server: each worker would get its own empty in-memory SQLite`,
    );
  }
  const api = loadApiSettings();
  const log = createLogger(api);
  // Migrations run here, before any worker exists: workers only check that nothing is pending.
  const { orm, database } = await openDatabase({ migrate, log });
  await orm.close();
  const alive = new Set<Worker>();
  const listening = new Map<Worker, string>();
  // The workers' metrics, summed, on METRICS_PORT (workers serve none of their own).
  const metrics =
    api.METRICS_PORT === undefined
      ? undefined
      : await serveMetrics({
          host: api.METRICS_HOST ?? api.HOST,
          port: api.METRICS_PORT,
          token: api.METRICS_TOKEN,
          ...workersScrape(() => alive.size - listening.size),
          log,
        });

  return new Promise<void>((resolve, reject) => {
    const failures = new Map<Worker, string>();
    let started = false;
    let stopping = false;
    let failure: Error | undefined;
    let clean = true;

    const fork = () => {
      const worker = cluster.fork();
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
      log.info(
        { url, database, workers, ...(metrics && { metrics: metrics.url }) },
        'shop-api listening (all workers)',
      );
      resolve();
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
      if (failure && !started) {
        const reason = failure;
        void (metrics?.close() ?? Promise.resolve()).then(() => reject(reason));
        return;
      }
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
    const api = await startApi({ migrate: false, metricsTo: 'primary' });
    stopOnSignals(api);
    process.send?.({ type: 'shop-api:listening', url: api.url } satisfies WorkerMessage);
  } catch (error) {
    const message: WorkerMessage = { type: 'shop-api:failed', message: (error as Error).message };
    process.send?.(message, undefined, {}, () => process.exit(1));
  }
}

if (cluster.isWorker && import.meta.main) await runWorker();
