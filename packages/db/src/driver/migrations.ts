// Migration status, drift detection and reset, shared by the db:* scripts, the API's start-up check and tests.
import type { Orm } from './orm.ts';

export interface MigrationStatus {
  executed: { name: string; executedAt: Date }[];
  pending: string[];
}

export async function migrationStatus(orm: Orm): Promise<MigrationStatus> {
  // One after the other: on a database without the migrations table each call creates it, and two
  // concurrent CREATE TABLE IF NOT EXISTS race on PostgreSQL ("relation … already exists").
  const executed = await orm.migrator.getExecuted();
  const pending = await orm.migrator.getPending();
  return {
    executed: executed.map((row) => ({ name: row.name, executedAt: new Date(row.executed_at) })),
    pending: pending.map((m) => m.name),
  };
}

/**
 * Refuses a database with pending migrations, naming them and the command that applies them (the API's
 * start-up and every db script that reads or writes rows call this first).
 */
export async function requireMigrated(orm: Orm, database: string): Promise<void> {
  const { pending } = await migrationStatus(orm);
  if (pending.length === 0) return;
  throw new Error(
    `${database} has ${pending.length} pending migration(s) (${pending.join(', ')}): run \`npm run db:migrate\` first`,
  );
}

/**
 * Drift = pending migrations, or SQL that would still be needed to bring the migrated schema in line with
 * the entities (a changed entity without a migration). Both empty means entities and migrations agree.
 */
export async function checkDrift(orm: Orm): Promise<{ pending: string[]; statements: string[] }> {
  const { pending } = await migrationStatus(orm);
  const sql = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
  const statements = sql
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^(pragma|set |begin|commit)/i.test(line));
  return { pending, statements };
}

/**
 * Drops every application table, forgets the executed migrations and applies all of them from zero; also on
 * a database that was never migrated (its migrations table is created first, as `db:migrate` would).
 */
export async function resetDatabase(orm: Orm): Promise<void> {
  // Kept, not dropped: the migrator remembers per ORM that it created its table and would not recreate it.
  await orm.migrator.getStorage().ensureTable?.();
  await orm.schema.drop({ dropMigrationsTable: false });
  const table = orm.config.get('migrations').tableName ?? 'mikro_orm_migrations';
  await orm.em.getConnection().execute(`delete from ${table}`);
  await orm.migrator.up();
}
