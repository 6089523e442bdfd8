// Starts the API: `node src/main.ts [--migrate]` (see --help). Ctrl-C / SIGTERM shut it down gracefully.
import { parseArgs } from 'node:util';
import { runApi } from './process/cluster.ts';

const HELP = `usage: node apps/api/src/main.ts [--migrate]

Serves the tRPC API at http://HOST:PORT/trpc (fastify + tRPC's fastify adapter).
  --migrate   apply pending migrations before serving (otherwise the server refuses to start on an
              unmigrated database and says what to run); with API_WORKERS > 1 the primary process applies
              them once, before any worker starts
env: DATABASE_URL (default SQLite data/dev.db), NODE_ENV, PORT (3000), HOST (127.0.0.1), LOG_LEVEL (info),
     API_MAX_BATCH_SIZE (20), API_MAX_BODY_BYTES (1048576), DB_POOL_MAX (10), DB_POOL_IDLE_MS (30000),
     LOG_FORMAT (pretty when NODE_ENV is development, else json), WEB_ROOT (unset): a built web app
       (apps/web/dist) to serve at / with client-side routes answered by its index.html,
     API_WORKERS (1): processes serving the port (1-64, node:cluster). With N > 1 a primary process forks N
       workers that share PORT (PORT=0 too: one port for all), replaces a worker that dies while serving,
       exits 1 when a worker fails to start, and on SIGINT/SIGTERM stops all of them gracefully. Needs a
       database file or PostgreSQL (not :memory:). Each worker has its own pool (DB_POOL_MAX per worker)
       and its own sign-in rate limits.`;

const { values } = parseArgs({
  options: { migrate: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

try {
  await runApi({ migrate: values.migrate });
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
