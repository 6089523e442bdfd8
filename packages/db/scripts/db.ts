// The `npm run db:*` scripts: migrations, drift check, reset and export, acting on DATABASE_URL (see --help).
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ACCEPTED_FORMS } from '../src/driver/database-url.ts';
import { checkDrift, migrationStatus, resetDatabase } from '../src/driver/migrations.ts';
import { dialectOf } from '../src/driver/orm.ts';
import { exportProductsNdjson } from '../src/services/products/export.ts';
import { runDbScript } from './runner.ts';

const HELP = `usage: npm run db:<command> [-- options]   (or: node packages/db/scripts/db.ts <command> [options])

Acts on DATABASE_URL (default: SQLite data/dev.db; NODE_ENV=test: in-memory; production: required).
Accepted forms: ${ACCEPTED_FORMS}.
Relative paths are relative to the repository root.

commands:
  migrate                 apply all pending migrations
  migrate:down [--to N]   revert the last migration, or down to migration N (--to 0: all)
  migrate:create [name]   generate a migration from the entity/schema diff (--blank: empty,
                          --initial: the initial one); written to packages/db/migrations/<dialect>/
  migrate:status          the current migration and the pending ones
  migrate:history         executed migrations with their times
  reset                   drop everything and migrate from zero (refused with NODE_ENV=production)
  check                   exit 1 when the entities and the migrations have drifted apart
  export [--out FILE]     stream all products as NDJSON (default: stdout)

examples: npm run db:migrate:status, npm run db:migrate:down -- --to 0, npm run db:migrate:create -- add_thing`;

// `pnpm db:x -- --to 0` passes the `--` on (npm drops it): one is ignored, so both spellings work.
const args = process.argv.slice(2);
args.splice(args.indexOf('--'), args.includes('--') ? 1 : 0);
const { values, positionals } = parseArgs({
  args,
  allowPositionals: true,
  options: {
    to: { type: 'string' },
    blank: { type: 'boolean', default: false },
    initial: { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const [command, name] = positionals;
if (values.help || !command) {
  console.log(HELP);
  process.exit(values.help ? 0 : 1);
}

const log = (line: string) => console.error(line);
// Commands that manage the migrations themselves run on an unmigrated database; the others refuse it.
const MANAGES_MIGRATIONS = new Set([
  'migrate',
  'migrate:down',
  'migrate:create',
  'migrate:status',
  'migrate:history',
  'reset',
  'check',
]);

await runDbScript(
  async ({ orm, settings, database }) => {
    log(`database: ${database}`);
    switch (command) {
      case 'migrate': {
        const applied = await orm.migrator.up();
        log(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'already up to date');
        break;
      }
      case 'migrate:down': {
        const to = values.to === undefined ? undefined : values.to === '0' ? 0 : values.to;
        const reverted = await orm.migrator.down(to === undefined ? undefined : { to });
        log(reverted.length ? `reverted: ${reverted.map((m) => m.name).join(', ')}` : 'nothing to revert');
        break;
      }
      case 'migrate:create': {
        const result = await orm.migrator.create(undefined, values.blank, values.initial, name);
        log(result.fileName ? `created ${result.fileName}` : 'no schema changes: nothing to create');
        break;
      }
      case 'migrate:status': {
        const { executed, pending } = await migrationStatus(orm);
        log(`current: ${executed.at(-1)?.name ?? '(none)'}`);
        log(pending.length ? `pending: ${pending.join(', ')}` : 'pending: (none)');
        break;
      }
      case 'migrate:history': {
        const { executed } = await migrationStatus(orm);
        for (const m of executed) console.log(`${m.executedAt.toISOString()}  ${m.name}`);
        if (executed.length === 0) log('no migration has been executed');
        break;
      }
      case 'reset': {
        if (settings.nodeEnv === 'production') throw new Error('db:reset refuses to run with NODE_ENV=production');
        await resetDatabase(orm);
        log('dropped all tables and migrated from zero');
        break;
      }
      case 'check': {
        const drift = await checkDrift(orm);
        if (drift.pending.length) log(`pending migrations: ${drift.pending.join(', ')}`);
        if (drift.statements.length)
          log(`entities differ from the migrated schema:\n  ${drift.statements.join('\n  ')}`);
        const drifted = drift.pending.length > 0 || drift.statements.length > 0;
        log(
          drifted
            ? 'drift: apply the pending migrations (npm run db:migrate), or generate one for changed entities (npm run db:migrate:create -- <name>)'
            : 'no drift',
        );
        return drifted ? 1 : 0;
      }
      case 'export': {
        const out = values.out ? path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out) : undefined;
        if (out) await mkdir(path.dirname(out), { recursive: true });
        const stream = out ? createWriteStream(out) : process.stdout;
        // One pass in key order gains nothing from SQLite's memory map, and every page it maps counts towards
        // the process's RSS (1M products: 324 MiB with the map, 143 MiB without): read, don't map.
        if (dialectOf(orm.em) === 'sqlite') await orm.em.getConnection().execute('pragma mmap_size = 0');
        const count = await exportProductsNdjson(orm.em.fork(), stream, (n) => log(`exported ${n} products…`));
        if (out)
          await new Promise<void>((resolve, reject) =>
            stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
          );
        const peakMiB = Math.round(process.resourceUsage().maxRSS / 1024);
        log(`exported ${count} products${out ? ` to ${out}` : ''} (peak RSS ${peakMiB} MiB)`);
        break;
      }
      default:
        log(`unknown command "${command}"\n\n${HELP}`);
        return 1;
    }
    return 0;
  },
  { migrated: !MANAGES_MIGRATIONS.has(command) },
);
