// Migrations on each dialect: up from empty gives zero drift, down reverts step by step, up again works.
import { createTestDatabase, type TestDatabase, testDialect } from '@shop/db/testing';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { checkDrift, migrationStatus, resetDatabase } from '../../src/migrations.ts';

const MIGRATIONS = ['initial', 'add_last_login_at', 'add_sessions'];
const unavailable = testDialect === 'postgresql' && inject('postgresUnavailable');

let db: TestDatabase | undefined;
afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

async function tables(database: TestDatabase): Promise<string[]> {
  const sql =
    database.dialect === 'sqlite'
      ? "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
      : "select table_name as name from information_schema.tables where table_schema = 'public'";
  const rows = await database.orm.em.getConnection().execute<{ name: string }[]>(sql);
  return rows
    .map((r) => r.name)
    .filter((name) => name !== 'mikro_orm_migrations')
    .sort();
}

async function userColumns(database: TestDatabase): Promise<string[]> {
  const sql =
    database.dialect === 'sqlite'
      ? "select name from pragma_table_info('users')"
      : "select column_name as name from information_schema.columns where table_name = 'users'";
  return (await database.orm.em.getConnection().execute<{ name: string }[]>(sql)).map((r) => r.name);
}

describe.skipIf(unavailable)('migrations', () => {
  it('migrate up from empty: all applied, nothing pending, zero drift', async () => {
    db = await createTestDatabase(testDialect, { migrate: false });
    expect(await tables(db)).toEqual([]);
    expect((await migrationStatus(db.orm)).pending.map((n) => n.replace(/^Migration\d+_/, ''))).toEqual(MIGRATIONS);
    await db.orm.migrator.up();
    const status = await migrationStatus(db.orm);
    expect(status.executed.map((m) => m.name.replace(/^Migration\d+_/, ''))).toEqual(MIGRATIONS);
    expect(status.pending).toEqual([]);
    expect(await checkDrift(db.orm)).toEqual({ pending: [], statements: [] });
    expect(await tables(db)).toEqual(
      [
        'accounts',
        'categories',
        'products',
        'roles',
        'sessions',
        'transfers',
        'user_profiles',
        'user_roles',
        'users',
      ].sort(),
    );
  });

  it('down one step at a time to zero, then up again', async () => {
    db = await createTestDatabase(testDialect);
    await db.orm.migrator.down(); // add_sessions
    expect(await tables(db)).not.toContain('sessions');
    await db.orm.migrator.down(); // add_last_login_at
    expect(await userColumns(db)).not.toContain('last_login_at');
    const status = await migrationStatus(db.orm);
    expect(status.executed).toHaveLength(1);
    expect(status.pending).toHaveLength(2);
    expect((await checkDrift(db.orm)).statements.join(' ')).toContain('last_login_at');
    await db.orm.migrator.down({ to: 0 });
    expect(await tables(db)).toEqual([]);
    await db.orm.migrator.up();
    expect(await userColumns(db)).toContain('last_login_at');
    expect(await checkDrift(db.orm)).toEqual({ pending: [], statements: [] });
  });

  it('resetDatabase drops everything and migrates from zero', async () => {
    db = await createTestDatabase(testDialect);
    await db.orm.em
      .getConnection()
      .execute("insert into roles (name, created_at, updated_at) values ('x', '2026-01-01', '2026-01-01')");
    await resetDatabase(db.orm);
    expect(await db.orm.em.getConnection().execute('select * from roles')).toEqual([]);
    expect((await migrationStatus(db.orm)).executed).toHaveLength(MIGRATIONS.length);
  });
});
