// Opens the database, checks (or applies) migrations and starts the HTTP server: shared by `main.ts`,
// the cluster workers and the workspace's main job. Throws an Error with one clear line when something is
// not usable.
import { describeTarget, loadDatabaseSettings, migrationStatus, type Orm, openOrm } from '@shop/db';
import { type Logger, pino } from 'pino';
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

/** JSON lines on stdout; `pid` tells cluster workers apart. */
export const createLogger = (api: Pick<ApiSettings, 'LOG_LEVEL'>): Logger =>
  pino({ level: api.LOG_LEVEL, base: { service: 'shop-api', pid: process.pid } });

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
    const { pending } = await migrationStatus(orm);
    if (pending.length > 0) {
      throw new Error(
        `${database} has ${pending.length} pending migration(s): run \`pnpm db:migrate\` first (or start with --migrate)`,
      );
    }
    return { orm, database };
  } catch (error) {
    await orm.close();
    throw error;
  }
}

export async function startApi({ migrate = false, env = process.env } = {}): Promise<RunningApi> {
  const api = loadApiSettings(env);
  const log = createLogger(api);
  const { orm, database } = await openDatabase({ migrate, env, log });
  try {
    const server = createApiServer({
      orm,
      log,
      maxBatchSize: api.API_MAX_BATCH_SIZE,
      maxBodyBytes: api.API_MAX_BODY_BYTES,
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
