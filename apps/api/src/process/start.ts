// One API in this process: opens the database (pending migrations applied with `migrate`, else refused) and
// starts the HTTP server on it; throws one clear line when either cannot be done.
import { describeTarget, loadDatabaseSettings, type Orm, openOrm, replicaStatus, requireMigrated } from '@shop/db';
import type { Logger } from 'pino';
import { createApiServer } from '../http/server.ts';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter } from '../trpc/login-limiter.ts';
import { loadApiSettings } from './env.ts';
import { listenFailure } from './listen-errors.ts';
import { createLogger } from './logger.ts';
import { createApiMetrics } from './metrics.ts';
import { answerPrimaryScrapes, type MetricsServer, serveMetrics } from './metrics-server.ts';

export interface RunningApi {
  url: string;
  database: string;
  /** http://METRICS_HOST:METRICS_PORT/metrics when this process serves its metrics. */
  metricsUrl?: string;
  orm: Orm;
  log: Logger;
  /** Graceful: stop accepting, finish in-flight requests, close the ORM. */
  stop(): Promise<void>;
}

/**
 * Opens the ORM on the configured database, applies pending migrations when `migrate`, and refuses a
 * database that still has pending ones. With `replicas`, reads may use DATABASE_REPLICA_URLS (migrations
 * never do); a replica leaving or joining the rotation is one log line. The caller owns (and closes) the ORM.
 */
export async function openDatabase({
  migrate = false,
  replicas = false,
  log,
}: {
  migrate?: boolean;
  replicas?: boolean;
  log: Logger;
}): Promise<{ orm: Orm; database: string }> {
  const db = loadDatabaseSettings();
  const database = describeTarget(db.target);
  const orm = await openOrm(db.target, {
    pool: db.pool,
    replicas: replicas ? db.replicas : null,
    onReplicaEvent: ({ level, line, replica }) => log[level]({ replica }, line),
  }).catch((error: Error) => {
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
  webRoot,
  metricsTo = 'port',
}: {
  migrate?: boolean;
  /** Serve this built web app at `/` (default: WEB_ROOT). */
  webRoot?: string;
  /** With METRICS_PORT: serve them there, or answer the cluster primary, which serves every worker's sum. */
  metricsTo?: 'port' | 'primary';
} = {}): Promise<RunningApi> {
  const api = loadApiSettings();
  const log = createLogger(api);
  const { orm, database } = await openDatabase({ migrate, replicas: true, log });
  let metricsServer: MetricsServer | undefined;
  try {
    const replicas = () => replicaStatus(orm);
    const metrics = api.METRICS_PORT === undefined ? undefined : await createApiMetrics(orm, { replicas });
    if (metrics && metricsTo === 'primary') answerPrimaryScrapes(metrics.registry);
    else if (metrics) {
      metricsServer = await serveMetrics({
        host: api.METRICS_HOST ?? api.HOST,
        port: api.METRICS_PORT ?? 0,
        token: api.METRICS_TOKEN,
        scrape: () => metrics.registry.metrics(),
        contentType: metrics.registry.contentType,
        log,
      });
    }
    const server = createApiServer({
      orm,
      log,
      maxBatchSize: api.API_MAX_BATCH_SIZE,
      maxBodyBytes: api.API_MAX_BODY_BYTES,
      loginLimiter: new LoginLimiter(orm, {
        ...DEFAULT_LOGIN_LIMITS,
        signUpsPerAddress: api.API_SIGNUPS_PER_ADDRESS_HOUR,
      }),
      ...((webRoot ?? api.WEB_ROOT) ? { webRoot: webRoot ?? api.WEB_ROOT } : {}),
      ...(metrics && { metrics }),
    });
    const url = await server.listen(api.PORT, api.HOST).catch((error: NodeJS.ErrnoException) => {
      throw new Error(listenProblem(error, api.HOST, api.PORT));
    });
    const metricsUrl = metricsServer?.url;
    log.info({ url, database, ...(metricsUrl && { metrics: metricsUrl }) }, 'shop-api listening');
    return {
      url,
      database,
      ...(metricsUrl && { metricsUrl }),
      orm,
      log,
      async stop() {
        await metricsServer?.close();
        await server.close();
        await orm.close();
      },
    };
  } catch (error) {
    await metricsServer?.close();
    await orm.close();
    throw error;
  }
}

/** Why the server could not listen on HOST:PORT, as one line with the fix. */
function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (listenFailure(error)) {
    case 'in-use': {
      const free = port > 0 && port < 65_535 ? port + 1 : 3001;
      return `port ${port} is in use on ${host}: set PORT to a free port (PORT=${free} npm start)`;
    }
    case 'privileged':
      return `port ${port} on ${host} needs privileges this user lacks (ports below 1024 do): set PORT to 1024 or above (PORT=3001 npm start)`;
    case 'not-an-address':
      return `HOST ${host} is not an address of this machine: set HOST to one of its addresses (HOST=127.0.0.1, or 0.0.0.0 for all)`;
    default:
      return `cannot listen on ${host}:${port}: ${error.message}`;
  }
}
