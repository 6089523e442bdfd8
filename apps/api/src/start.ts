// Opens the database, checks (or applies) migrations and starts the HTTP server: shared by `main.ts`,
// the cluster workers and the workspace's main job. Throws an Error with one clear line when something is
// not usable.
import { describeTarget, loadDatabaseSettings, type Orm, openOrm, requireMigrated } from '@shop/db';
import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import { type ApiSettings, loadApiSettings } from './env.ts';
import { createApiServer } from './server.ts';

export interface RunningApi {
  url: string;
  database: string;
  orm: Orm;
  log: Logger;
  /** Graceful: stop accepting, finish in-flight requests, close the ORM. */
  stop(): Promise<void>;
}

/** Fields every line carries, or that the readable line already shows: left out of its details. */
const PRETTY_OMITTED = new Set(['level', 'time', 'service', 'pid', 'hostname', 'requestId', 'err']);

/**
 * One readable line: a request as `GET /path 200 1.2 ms`; anything else as its message, then its fields
 * (`url=… database=…`), then an error's stack on the lines below.
 */
export function prettyLine(log: Record<string, unknown>, messageKey: string): string {
  if (log.method) return `${log.method} ${log.path} ${log.status} ${log.durationMs} ms`;
  const details = Object.entries(log)
    .filter(([key, value]) => key !== messageKey && !PRETTY_OMITTED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const error = log.err as { message?: string; stack?: string } | undefined;
  return [String(log[messageKey] ?? ''), ...details].join(' ') + (error ? `\n${error.stack ?? error.message}` : '');
}

/**
 * JSON lines on stdout (`pid` tells cluster workers apart), or, in development, one readable line per
 * request through pino-pretty (synchronous, in-process: no transport worker thread). `destination` is for
 * tests (default: stdout).
 */
export function createLogger(
  api: Pick<ApiSettings, 'LOG_LEVEL' | 'LOG_FORMAT'>,
  env = process.env,
  destination?: NodeJS.WritableStream,
): Logger {
  const options = { level: api.LOG_LEVEL, base: { service: 'shop-api', pid: process.pid } };
  const format = api.LOG_FORMAT ?? ((env.NODE_ENV ?? 'development') === 'development' ? 'pretty' : 'json');
  if (format === 'json') return destination ? pino(options, destination) : pino(options);
  return pino(
    options,
    pretty({
      sync: true,
      ignore: 'service,pid,hostname',
      translateTime: 'HH:MM:ss',
      messageFormat: prettyLine,
      hideObject: true,
      ...(destination && { destination, colorize: false }),
    }),
  );
}

/**
 * Opens the ORM on the configured database, applies pending migrations when `migrate`, and refuses a
 * database that still has pending ones. The caller owns (and closes) the returned ORM.
 */
export async function openDatabase({
  migrate = false,
  env = process.env,
  log,
}: {
  migrate?: boolean;
  env?: NodeJS.ProcessEnv;
  log: Logger;
}): Promise<{ orm: Orm; database: string }> {
  const db = loadDatabaseSettings(env);
  const database = describeTarget(db.target);
  const orm = await openOrm(db.target, { pool: db.pool }).catch((error: Error) => {
    throw new Error(`cannot open ${database}: ${error.message}`);
  });
  try {
    if (migrate) {
      const applied = await orm.migrator.up();
      if (applied.length) log.info({ migrations: applied.map((m) => m.name) }, 'applied migrations');
    }
    await requireMigrated(orm, database).catch((error: Error) => {
      throw new Error(`${error.message} (or start the API with --migrate)`);
    });
    return { orm, database };
  } catch (error) {
    await orm.close();
    throw error;
  }
}

export async function startApi({
  migrate = false,
  env = process.env,
  webRoot,
}: {
  migrate?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Serve this built web app at `/` (default: WEB_ROOT). */
  webRoot?: string;
} = {}): Promise<RunningApi> {
  const api = loadApiSettings(env);
  const log = createLogger(api, env);
  const { orm, database } = await openDatabase({ migrate, env, log });
  try {
    const server = createApiServer({
      orm,
      log,
      maxBatchSize: api.API_MAX_BATCH_SIZE,
      maxBodyBytes: api.API_MAX_BODY_BYTES,
      ...((webRoot ?? api.WEB_ROOT) ? { webRoot: webRoot ?? api.WEB_ROOT } : {}),
    });
    const url = await server.listen(api.PORT, api.HOST).catch((error: Error) => {
      throw new Error(`cannot listen on ${api.HOST}:${api.PORT}: ${error.message}`);
    });
    log.info({ url, database }, 'shop-api listening');
    return {
      url,
      database,
      orm,
      log,
      async stop() {
        await server.close();
        await orm.close();
      },
    };
  } catch (error) {
    await orm.close();
    throw error;
  }
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
