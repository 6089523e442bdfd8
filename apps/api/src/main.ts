// Starts the API: `node src/main.ts [--migrate]` (see --help). Ctrl-C / SIGTERM shut it down gracefully.
import { parseArgs } from 'node:util';
import { startApi, stopOnSignals } from './start.ts';

const HELP = `usage: node apps/api/src/main.ts [--migrate]

Serves the tRPC API at http://HOST:PORT/trpc.
  --migrate   apply pending migrations before serving (otherwise the server refuses to start on an
              unmigrated database and says what to run)
env: DATABASE_URL (default SQLite data/dev.db), NODE_ENV, PORT (3000), HOST (127.0.0.1), LOG_LEVEL (info),
     API_MAX_BATCH_SIZE (20), API_MAX_BODY_BYTES (1048576), DB_POOL_MAX (10), DB_POOL_IDLE_MS (30000)`;

const { values } = parseArgs({
  options: { migrate: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

try {
  stopOnSignals(await startApi({ migrate: values.migrate }));
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
