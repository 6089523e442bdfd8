// Starts the API: `node src/main.ts [--migrate]` (see --help). Ctrl-C / SIGTERM shut it down gracefully.
import { parseArgs } from 'node:util';
import { describeTarget, loadDatabaseSettings, migrationStatus, openOrm } from '@shop/db';
import { pino } from 'pino';
import { loadApiSettings } from './env.ts';
import { createApiServer } from './server.ts';

const HELP = `usage: node apps/api/src/main.ts [--migrate]

Serves the tRPC API at http://HOST:PORT/trpc.
  --migrate   apply pending migrations before serving (otherwise the server refuses to start on an
              unmigrated database and says what to run)
env: DATABASE_URL (default SQLite data/dev.db), NODE_ENV, PORT (3000), HOST (127.0.0.1), LOG_LEVEL (info),
     API_MAX_BATCH_SIZE (20), API_MAX_BODY_BYTES (1048576), DB_POOL_MAX (10), DB_POOL_IDLE_MS (30000)`;

const { values } = parseArgs({
  options: { migrate: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const fail = (message: string): never => {
  console.error(`error: ${message}`);
  process.exit(1);
};

const api = (() => {
  try {
    return loadApiSettings();
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const db = (() => {
  try {
    return loadDatabaseSettings();
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const log = pino({ level: api.LOG_LEVEL, base: { service: 'shop-api' } });

const orm = await openOrm(db.target, { pool: db.pool }).catch((error: Error) =>
  fail(`cannot open ${describeTarget(db.target)}: ${error.message}`),
);
if (values.migrate) {
  const applied = await orm.migrator.up();
  if (applied.length) log.info({ migrations: applied.map((m) => m.name) }, 'applied migrations');
}
const { pending } = await migrationStatus(orm);
if (pending.length > 0) {
  await orm.close();
  fail(
    `${describeTarget(db.target)} has ${pending.length} pending migration(s): run \`pnpm db:migrate\` first (or start with --migrate)`,
  );
}

const server = createApiServer({
  orm,
  log,
  maxBatchSize: api.API_MAX_BATCH_SIZE,
  maxBodyBytes: api.API_MAX_BODY_BYTES,
});
const url = await server
  .listen(api.PORT, api.HOST)
  .catch((error: Error) => fail(`cannot listen on ${api.HOST}:${api.PORT}: ${error.message}`));
log.info({ url, database: describeTarget(db.target) }, 'shop-api listening');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down: finishing in-flight requests');
  await server.close();
  await orm.close();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
