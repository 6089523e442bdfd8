// Migrations on each dialect: up from empty gives zero drift, down reverts one step at a time, up again works.
// Migrations after the first two came later (add_sessions: authentication; add_login_throttles: sign-in
// limits shared by all processes, and the duplicate idx_username_email dropped; add_shop: stock, orders and a
// ledger row for every balance change, with existing rows carried over; idempotency_keys_per_caller: keys
// unique per buyer and per debited account): down is checked step by step.
import { createTestDatabase, serverUnavailable, type TestDatabase, testDialect } from '@shop/db/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDrift, migrationStatus, resetDatabase } from '../../src/driver/migrations.ts';

// MariaDB's folder starts with one initial migration of the schema as it was when the dialect was added.
const MIGRATIONS =
  testDialect === 'mariadb'
    ? ['initial', 'add_shop', 'idempotency_keys_per_caller']
    : [
        'initial',
        'add_last_login_at',
        'add_sessions',
        'add_login_throttles',
        'add_shop',
        'idempotency_keys_per_caller',
      ];
const BEFORE_SHOP = MIGRATIONS.slice(0, -2);
const KEYS = 'idempotency_keys_per_caller';
const APP_TABLES = [
  'accounts',
  'categories',
  'login_throttles',
  'order_lines',
  'orders',
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

      await db.orm.migrator.down(); // idempotency_keys_per_caller only
      expect(await status(db)).toEqual({ executed: [...BEFORE_SHOP, 'add_shop'], pending: [KEYS] });
      await db.orm.migrator.down(); // add_shop only
      expect(await status(db)).toEqual({ executed: BEFORE_SHOP, pending: ['add_shop', KEYS] });
      expect(await tables(db)).toEqual(APP_TABLES.filter((t) => t !== 'orders' && t !== 'order_lines'));

      await db.orm.migrator.down(); // add_login_throttles only
      expect(await status(db)).toEqual({
        executed: ['initial', 'add_last_login_at', 'add_sessions'],
        pending: ['add_login_throttles', 'add_shop', KEYS],
      });
      const beforeShop = APP_TABLES.filter((t) => t !== 'orders' && t !== 'order_lines');
      expect(await tables(db)).toEqual(beforeShop.filter((t) => t !== 'login_throttles'));
      expect(await userIndexes(db)).toContain('idx_username_email');
      expect((await checkDrift(db.orm)).statements.join(' ')).toMatch(/login_throttles/);

      const withoutLater = beforeShop.filter((t) => t !== 'sessions' && t !== 'login_throttles');
      await db.orm.migrator.down(); // add_sessions only
      expect(await status(db)).toEqual({
        executed: ['initial', 'add_last_login_at'],
        pending: ['add_sessions', 'add_login_throttles', 'add_shop', KEYS],
      });
      expect(await tables(db)).toEqual(withoutLater);
      expect(await userColumns(db)).toContain('last_login_at');
      expect((await checkDrift(db.orm)).statements.join(' ')).toMatch(/sessions/);

      await db.orm.migrator.down(); // add_last_login_at only
      expect(await status(db)).toEqual({
        executed: ['initial'],
        pending: ['add_last_login_at', 'add_sessions', 'add_login_throttles', 'add_shop', KEYS],
      });
      expect(await userColumns(db)).not.toContain('last_login_at');
      expect(await userColumns(db)).toEqual(expect.arrayContaining(['id', 'username', 'email', 'is_active']));
      expect(await tables(db)).toEqual(withoutLater);
      expect(await rows(db, 'select username from users')).toEqual([{ username: 'kept' }]);
      const drift = await checkDrift(db.orm);
      expect(drift.pending.map(short)).toEqual([
        'add_last_login_at',
        'add_sessions',
        'add_login_throttles',
        'add_shop',
        KEYS,
      ]);
      expect(drift.statements.join(' ')).toContain('last_login_at');

      await db.orm.migrator.up(); // all four again
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

  // resetDatabase from each starting point on a database of its own: every case rebuilds the whole schema
  // twice (once to create the database, once to reset it), and on MariaDB each DDL statement is synced to
  // disk: one rebuild takes 0.5 s on an idle machine and 3.5 s with the other suites running beside it.
  it('resetDatabase drops the data and migrates again from a fully migrated database', async () => {
    db = await createTestDatabase(testDialect);
    await rows(db, "insert into roles (name, created_at, updated_at) values ('x', '2026-01-01', '2026-01-01')");
    await resetDatabase(db.orm);
    expect(await rows(db, 'select * from roles')).toEqual([]);
    expect(await status(db)).toEqual({ executed: MIGRATIONS, pending: [] });
    expect(await checkDrift(db.orm)).toEqual({ pending: [], statements: [] });
  });

  it('resetDatabase drops the data and migrates from zero from a partly migrated database', async () => {
    db = await createTestDatabase(testDialect);
    await rows(db, "insert into roles (name, created_at, updated_at) values ('y', '2026-01-01', '2026-01-01')");
    await db.orm.migrator.down();
    await db.orm.migrator.down();
    await resetDatabase(db.orm);
    expect(await rows(db, 'select * from roles')).toEqual([]);
    expect(await tables(db)).toEqual(APP_TABLES);
    expect(await status(db)).toEqual({ executed: MIGRATIONS, pending: [] });
    expect(await checkDrift(db.orm)).toEqual({ pending: [], statements: [] });
  });

  it('resetDatabase migrates a database rolled back to zero (no application tables)', async () => {
    db = await createTestDatabase(testDialect);
    await db.orm.migrator.down({ to: 0 });
    await resetDatabase(db.orm);
    expect(await tables(db)).toEqual(APP_TABLES);
    expect(await status(db)).toEqual({ executed: MIGRATIONS, pending: [] });
  });

  it('resetDatabase migrates a database that was never migrated (no tables at all)', async () => {
    db = await createTestDatabase(testDialect, { migrate: false });
    await resetDatabase(db.orm);
    expect(await tables(db)).toEqual(APP_TABLES);
    expect(await status(db)).toEqual({ executed: MIGRATIONS, pending: [] });
  });

  it('add_shop carries existing rows: stock from in_stock, every balance the sum of its ledger; down keeps them', async () => {
    db = await createTestDatabase(testDialect);
    await db.orm.migrator.down(); // idempotency_keys_per_caller
    await db.orm.migrator.down(); // add_shop: the schema the rows below were written under
    const at = "'2026-01-01 00:00:00'";
    for (const sql of [
      `insert into users (username, email, is_active, created_at, updated_at) values ('alice', 'a@example.com', true, ${at}, ${at}), ('bob', 'b@example.com', true, ${at}, ${at})`,
      `insert into categories (name, created_at, updated_at) values ('Books', ${at}, ${at})`,
      `insert into products (name, price, in_stock, category_id, created_at, updated_at) values ('On shelf', 5.00, true, 1, ${at}, ${at}), ('Sold out', 7.00, false, 1, ${at}, ${at})`,
      // alice deposited 120.00 and sent bob 50.00; bob withdrew those 50.00; bob's second account opened with 30.00
      `insert into accounts (owner_id, balance, created_at, updated_at) values (1, 70.00, ${at}, ${at}), (2, 0.00, ${at}, ${at}), (2, 30.00, ${at}, ${at})`,
      `insert into transfers (from_account_id, to_account_id, amount, created_at) values (1, 2, 50.00, ${at})`,
    ]) {
      await rows(db, sql);
    }
    await db.orm.migrator.up();
    expect(await status(db)).toEqual({ executed: MIGRATIONS, pending: [] });

    const stock = await rows<{ name: string; stock: number; in_stock: unknown }>(
      db,
      'select name, stock, in_stock from products order by id',
    );
    expect(stock.map((p) => [p.name, Number(p.stock), Boolean(p.in_stock)])).toEqual([
      ['On shelf', 10, true],
      ['Sold out', 0, false],
    ]);
    const ledger = await rows<{
      kind: string;
      from_account_id: number | null;
      to_account_id: number | null;
      amount: unknown;
    }>(db, 'select kind, from_account_id, to_account_id, amount from transfers');
    expect(ledger.map((t) => [t.kind, t.from_account_id, t.to_account_id, Number(t.amount)]).sort()).toEqual([
      ['top_up', null, 1, 120],
      ['top_up', null, 3, 30],
      ['transfer', 1, 2, 50],
      ['withdrawal', 2, null, 50],
    ]);
    const gaps = await rows<{ id: number }>(
      db,
      'select a.id from accounts a where round(a.balance - coalesce((select sum(t.amount) from transfers t where t.to_account_id = a.id), 0) + coalesce((select sum(t.amount) from transfers t where t.from_account_id = a.id), 0), 2) <> 0',
    );
    expect(gaps).toEqual([]);

    await db.orm.migrator.down();
    await db.orm.migrator.down();
    expect(await status(db)).toEqual({ executed: BEFORE_SHOP, pending: ['add_shop', KEYS] });
    const balances = await rows<{ balance: unknown }>(db, 'select balance from accounts order by id');
    expect(balances.map((a) => Number(a.balance))).toEqual([70, 0, 30]);
    expect((await rows(db, 'select * from transfers')).length).toBe(1);

    // With an order in the database, down refuses instead of losing it.
    await db.orm.migrator.up();
    await rows(
      db,
      `insert into orders (buyer_id, account_id, status, total, idempotency_key, created_at, updated_at) values (1, 1, 'placed', 0, 'k-1', ${at}, ${at})`,
    );
    await db.orm.migrator.down(); // idempotency_keys_per_caller
    await expect(db.orm.migrator.down()).rejects.toThrow(/holds orders/);
    expect(await status(db)).toEqual({ executed: MIGRATIONS.slice(0, -1), pending: [KEYS] });
    await db.orm.migrator.up();
    expect(await checkDrift(db.orm)).toEqual({ pending: [], statements: [] });
  });

  it('idempotency_keys_per_caller lets two buyers use one key; down refuses once they have', async () => {
    db = await createTestDatabase(testDialect);
    const at = "'2026-01-01 00:00:00'";
    await rows(
      db,
      `insert into users (username, email, is_active, created_at, updated_at) values ('ann', 'a@example.com', true, ${at}, ${at}), ('bob', 'b@example.com', true, ${at}, ${at})`,
    );
    await rows(
      db,
      `insert into accounts (owner_id, balance, created_at, updated_at) values (1, 0, ${at}, ${at}), (2, 0, ${at}, ${at})`,
    );
    const order = (buyer: number) =>
      rows(
        db!,
        `insert into orders (buyer_id, account_id, status, total, idempotency_key, created_at, updated_at) values (${buyer}, ${buyer}, 'placed', 0, 'same-key', ${at}, ${at})`,
      );
    await order(1);
    await order(2); // before: a unique key across the shop refused bob's
    await expect(order(1)).rejects.toThrow();
    await expect(db.orm.migrator.down()).rejects.toThrow(/used by more than one caller/);
    await rows(db, 'delete from orders where buyer_id = 2');
    await db.orm.migrator.down();
    expect(await status(db)).toEqual({ executed: MIGRATIONS.slice(0, -1), pending: [KEYS] });
    await expect(order(2)).rejects.toThrow();
  });
});
