// Migrations on each dialect: up from empty gives zero drift, down reverts one step at a time, up again works.
// Migrations after the first two came later (add_sessions: authentication; add_login_throttles: sign-in
// limits shared by all processes, and the duplicate idx_username_email dropped): down is checked step by step.
import { createTestDatabase, serverUnavailable, type TestDatabase, testDialect } from '@shop/db/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDrift, migrationStatus, resetDatabase } from '../../src/driver/migrations.ts';

// MariaDB's folder starts with one initial migration of the schema as it was when the dialect was added.
const MIGRATIONS =
  testDialect === 'mariadb' ? ['initial'] : ['initial', 'add_last_login_at', 'add_sessions', 'add_login_throttles'];
const APP_TABLES = [
  'accounts',
  'categories',
  'login_throttles',
  'products',
  'roles',
  'sessions',
  'transfers',
  'user_profiles',
  'user_roles',
  'users',
];
const unavailable = serverUnavailable();
/** The current database's schema name, per server dialect. */
const SCHEMA: Record<string, string> = { postgresql: 'current_schema()', mariadb: 'database()' };

let db: TestDatabase | undefined;
afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

const short = (name: string) => name.replace(/^Migration\d+_/, '');

async function rows<T>(database: TestDatabase, sql: string): Promise<T[]> {
  return database.orm.em.getConnection().execute<T[]>(sql);
}

async function tables(database: TestDatabase): Promise<string[]> {
  const sql =
    database.dialect === 'sqlite'
      ? "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
      : `select table_name as name from information_schema.tables where table_schema = ${SCHEMA[database.dialect]}`;
  return (await rows<{ name: string }>(database, sql))
    .map((r) => r.name)
    .filter((name) => name !== 'mikro_orm_migrations')
    .sort();
}

async function userColumns(database: TestDatabase): Promise<string[]> {
  const sql =
    database.dialect === 'sqlite'
      ? "select name from pragma_table_info('users')"
      : `select column_name as name from information_schema.columns where table_schema = ${SCHEMA[database.dialect]} and table_name = 'users'`;
  return (await rows<{ name: string }>(database, sql)).map((r) => r.name);
}

async function userIndexes(database: TestDatabase): Promise<string[]> {
  const sql = {
    sqlite: "select name from pragma_index_list('users')",
    postgresql: "select indexname as name from pg_indexes where schemaname = current_schema() and tablename = 'users'",
    mariadb:
      "select distinct index_name as name from information_schema.statistics where table_schema = database() and table_name = 'users'",
  }[database.dialect];
  return (await rows<{ name: string }>(database, sql)).map((r) => r.name);
}

async function status(database: TestDatabase) {
  const { executed, pending } = await migrationStatus(database.orm);
  return { executed: executed.map((m) => short(m.name)), pending: pending.map(short) };
}

describe.skipIf(unavailable)('migrations', () => {
  it('migrate up from empty: all applied in order, nothing pending, zero drift', async () => {
    db = await createTestDatabase(testDialect, { migrate: false });
    expect(await tables(db)).toEqual([]);
    expect(await status(db)).toEqual({ executed: [], pending: MIGRATIONS });
    expect((await checkDrift(db.orm)).pending.map(short)).toEqual(MIGRATIONS);

    await db.orm.migrator.up();
    expect(await status(db)).toEqual({ executed: MIGRATIONS, pending: [] });
    const { executed } = await migrationStatus(db.orm);
    expect(executed.every((m) => m.executedAt instanceof Date && !Number.isNaN(m.executedAt.getTime()))).toBe(true);
    expect(await checkDrift(db.orm)).toEqual({ pending: [], statements: [] });
    expect(await tables(db)).toEqual(APP_TABLES);
    expect(await userColumns(db)).toContain('last_login_at');
    expect(await userIndexes(db)).not.toContain('idx_username_email');
    // Running up again is a no-op.
    expect(await db.orm.migrator.up()).toEqual([]);
    expect(await status(db)).toEqual({ executed: MIGRATIONS, pending: [] });
  });

  it.skipIf(testDialect === 'mariadb')(
    'down reverts only the last migration each time, keeping data, then up again',
    async () => {
      db = await createTestDatabase(testDialect);
      await rows(
        db,
        "insert into users (username, email, is_active, created_at, updated_at) values ('kept', 'kept@example.com', true, '2026-01-01', '2026-01-01')",
      );

      await db.orm.migrator.down(); // add_login_throttles only
      expect(await status(db)).toEqual({
        executed: ['initial', 'add_last_login_at', 'add_sessions'],
        pending: ['add_login_throttles'],
      });
      expect(await tables(db)).toEqual(APP_TABLES.filter((t) => t !== 'login_throttles'));
      expect(await userIndexes(db)).toContain('idx_username_email');
      expect((await checkDrift(db.orm)).statements.join(' ')).toMatch(/login_throttles/);

      const withoutLater = APP_TABLES.filter((t) => t !== 'sessions' && t !== 'login_throttles');
      await db.orm.migrator.down(); // add_sessions only
      expect(await status(db)).toEqual({
        executed: ['initial', 'add_last_login_at'],
        pending: ['add_sessions', 'add_login_throttles'],
      });
      expect(await tables(db)).toEqual(withoutLater);
      expect(await userColumns(db)).toContain('last_login_at');
      expect((await checkDrift(db.orm)).statements.join(' ')).toMatch(/sessions/);

      await db.orm.migrator.down(); // add_last_login_at only
      expect(await status(db)).toEqual({
        executed: ['initial'],
        pending: ['add_last_login_at', 'add_sessions', 'add_login_throttles'],
      });
      expect(await userColumns(db)).not.toContain('last_login_at');
      expect(await userColumns(db)).toEqual(expect.arrayContaining(['id', 'username', 'email', 'is_active']));
      expect(await tables(db)).toEqual(withoutLater);
      expect(await rows(db, 'select username from users')).toEqual([{ username: 'kept' }]);
      const drift = await checkDrift(db.orm);
      expect(drift.pending.map(short)).toEqual(['add_last_login_at', 'add_sessions', 'add_login_throttles']);
      expect(drift.statements.join(' ')).toContain('last_login_at');

      await db.orm.migrator.up(); // all three again
      expect(await status(db)).toEqual({ executed: MIGRATIONS, pending: [] });
      expect(await userColumns(db)).toContain('last_login_at');
      expect(await rows(db, 'select username, last_login_at from users')).toEqual([
        { username: 'kept', last_login_at: null },
      ]);
      expect(await checkDrift(db.orm)).toEqual({ pending: [], statements: [] });
    },
  );

  it('down to zero leaves no application tables; up from there is clean', async () => {
    db = await createTestDatabase(testDialect);
    await rows(db, "insert into categories (name, created_at, updated_at) values ('c', '2026-01-01', '2026-01-01')");
    await db.orm.migrator.down({ to: 0 });
    expect(await tables(db)).toEqual([]);
    expect(await status(db)).toEqual({ executed: [], pending: MIGRATIONS });

    await db.orm.migrator.up();
    expect(await tables(db)).toEqual(APP_TABLES);
    expect(await rows(db, 'select * from categories')).toEqual([]);
    expect(await status(db)).toEqual({ executed: MIGRATIONS, pending: [] });
    expect(await checkDrift(db.orm)).toEqual({ pending: [], statements: [] });
  });

  it('resetDatabase drops the data and migrates from zero, also from a partly migrated state', async () => {
    db = await createTestDatabase(testDialect);
    await rows(db, "insert into roles (name, created_at, updated_at) values ('x', '2026-01-01', '2026-01-01')");
    await resetDatabase(db.orm);
    expect(await rows(db, 'select * from roles')).toEqual([]);
    expect(await status(db)).toEqual({ executed: MIGRATIONS, pending: [] });
    expect(await checkDrift(db.orm)).toEqual({ pending: [], statements: [] });

    await rows(db, "insert into roles (name, created_at, updated_at) values ('y', '2026-01-01', '2026-01-01')");
    await db.orm.migrator.down();
    await db.orm.migrator.down();
    await db.orm.migrator.down();
    await resetDatabase(db.orm);
    expect(await rows(db, 'select * from roles')).toEqual([]);
    expect(await tables(db)).toEqual(APP_TABLES);
    expect(await status(db)).toEqual({ executed: MIGRATIONS, pending: [] });
    expect(await checkDrift(db.orm)).toEqual({ pending: [], statements: [] });

    // From zero (no application tables at all) too.
    await db.orm.migrator.down({ to: 0 });
    await resetDatabase(db.orm);
    expect(await tables(db)).toEqual(APP_TABLES);
    expect(await status(db)).toEqual({ executed: MIGRATIONS, pending: [] });
  });
});
