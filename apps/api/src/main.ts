// The `node apps/api/src/main.ts` command: its options and --help, then process/cluster.ts runs the API; a
// failure to start is one line on stderr and exit code 1.
import { parseArgs } from 'node:util';
import { ACCEPTED_FORMS } from '@shop/db';
import { runApi } from './process/cluster.ts';
import { BUILD_WEB_APP, loadApiSettings, missingWebApp } from './process/env.ts';
import { createLogger } from './process/logger.ts';

const HELP = `usage: node apps/api/src/main.ts [--migrate]

Serves the shop's API with fastify: tRPC at http://HOST:PORT/trpc, the same procedures as REST routes under
/api (OpenAPI document /api/openapi.json, reference /api/docs; those two and the probes /healthz and /readyz
answer at the root too) and a built web app at / (WEB_ROOT; with NODE_ENV=production, apps/web/dist when it
holds a build).
SIGINT/SIGTERM stop it gracefully: requests in flight are answered first (for up to 10 s).
  --migrate   apply pending migrations before serving (otherwise the server refuses to start on an
              unmigrated database and says what to run); with API_WORKERS > 1 the primary process applies
              them once, before any worker starts
  -h, --help  this text
env: DATABASE_URL (default: SQLite data/dev.db; NODE_ENV=test: in-memory; production: required; relative
       paths are relative to the repository root), NODE_ENV (development), PORT (3000), HOST (127.0.0.1),
     LOG_LEVEL (info), API_MAX_BATCH_SIZE (20), API_MAX_BODY_BYTES (1048576), DB_POOL_MAX (10),
     DB_POOL_IDLE_MS (30000), DB_CONNECT_TIMEOUT_MS (10000), LOG_FORMAT (pretty when NODE_ENV is development, else json),
     API_SIGNUPS_PER_ADDRESS_HOUR (10): sign-ups one client address may make per hour,
     WEB_ROOT: a built web app to serve at / with client-side routes answered by its index.html; a
       relative path is relative to the repository root, like DATABASE_URL's; one without index.html stops
       the start. Unset: apps/web/dist with NODE_ENV=production (a warning is logged when it holds no
       build: ${BUILD_WEB_APP} makes one), no web app otherwise,
     API_WORKERS (1): processes serving the port (1-64, node:cluster). With N > 1 a primary process forks N
       workers that share PORT (PORT=0 too: one port for all), replaces a worker that dies while serving,
       exits 1 when a worker fails to start, and on SIGINT/SIGTERM stops all of them gracefully. Needs a
       database file or server (not :memory:). Each worker has its own pool (DB_POOL_MAX per worker); the
       sign-in and sign-up limits are counted in the database, so all workers share them,
     DATABASE_REPLICA_URLS (unset): PostgreSQL streaming replicas, comma-separated, that answer the public
       catalog reads (docs/replicas.md); each process checks each one every REPLICA_CHECK_INTERVAL_MS (1000)
       and reads the primary instead while it is unreachable or more than REPLICA_MAX_LAG_MS (5000) behind; a
       caller who wrote reads the primary for REPLICA_STICKY_MS (max lag + interval + check timeout: 7000),
     METRICS_PORT (unset: none): Prometheus metrics at http://METRICS_HOST:METRICS_PORT/metrics, a server of
       their own (never on PORT); with API_WORKERS > 1 the primary serves the sum of every worker's.
       METRICS_HOST (HOST), METRICS_TOKEN (unset): when set, a scrape needs Authorization: Bearer <token>.
DATABASE_URL forms: ${ACCEPTED_FORMS}.`;

const { values } = parseArgs({
  options: { migrate: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

try {
  const settings = loadApiSettings();
  const missing = missingWebApp(settings);
  if (missing) createLogger(settings).warn(missing);
  await runApi({ migrate: values.migrate });
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
