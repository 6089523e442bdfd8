// The SQLite statement cache (src/sqlite-statement-cache.ts): each SQL text is prepared once per
// connection; streams never share a busy statement; schema changes, resets and reconnects are handled;
// results are the same as without the cache. SQLite only: the PostgreSQL project skips this file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TableNotFoundException } from '@mikro-orm/core';
import { testDialect } from '@shop/db/testing';
import { SqliteDialect } from 'kysely';
import { afterAll, afterEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import type { DatabaseTarget } from '../../src/driver/database-url.ts';
import { resetDatabase } from '../../src/driver/migrations.ts';
import { type Orm, openOrm } from '../../src/driver/orm.ts';
import {
  DEFAULT_STATEMENT_CACHE_SIZE,
  MAX_CACHED_SQL_LENGTH,
  type NativeSqliteDatabase,
  type SqliteStatementCache,
  StatementCachingSqliteConnection,
} from '../../src/driver/sqlite-statement-cache.ts';
import { Category, Product } from '../../src/entities/index.ts';

interface Db {
  items: { id: number; label: string | null; qty: number | null; price: number | null; data: Buffer | null };
  products: { id: number; name: string; price: string; category_id: number };
  t: { id: number; a?: string | null; b?: string | null; c?: number | null };
}

// Made on first use: in the PostgreSQL project these tests are skipped and no hook would remove it.
let workDir: string | undefined;
let fileCounter = 0;
const fileTarget = (): DatabaseTarget => {
  workDir ??= mkdtempSync(path.join(tmpdir(), 'shop-statement-cache-'));
  return { dialect: 'sqlite', file: path.join(workDir, `db-${++fileCounter}.db`) };
};
const memoryTarget: DatabaseTarget = { dialect: 'sqlite', file: ':memory:' };

const open: Orm[] = [];
async function openSqlite(target: DatabaseTarget, sqliteStatementCacheSize?: number): Promise<Orm> {
  const orm = await openOrm(target, { sqliteStatementCacheSize });
  open.push(orm);
  return orm;
}
afterEach(async () => {
  vi.restoreAllMocks();
  for (const orm of open.splice(0)) await orm.close(true);
});
afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const connectionOf = (orm: Orm) => orm.em.getConnection() as unknown as StatementCachingSqliteConnection;

function cacheOf(orm: Orm): SqliteStatementCache {
  const connection = connectionOf(orm);
  expect(connection).toBeInstanceOf(StatementCachingSqliteConnection);
  const cache = connection.getStatementCache();
  if (!cache) throw new Error('no statement cache: the connection has not connected');
  return cache;
}

/** Spies (calls through) on `prepare` of the real better-sqlite3 Database behind the ORM's connection. */
async function spyOnPrepare(orm: Orm): Promise<{ database: NativeSqliteDatabase; prepares: (sql: string) => number }> {
  const database = await connectionOf(orm).getNativeClient();
  const spy: MockInstance<(sql: string) => unknown> = vi.spyOn(database, 'prepare');
  return { database, prepares: (sql) => spy.mock.calls.filter(([called]) => called === sql).length };
}

async function createItems(orm: Orm, count: number): Promise<void> {
  const connection = orm.em.getConnection();
  await connection.execute(
    'create table items (id integer primary key, label text, qty integer, price real, data blob)',
    [],
    'run',
  );
  const kysely = orm.em.fork().getKysely<Db>();
  for (let id = 1; id <= count; id++) {
    await kysely
      .insertInto('items')
      .values({
        id,
        label: id % 7 === 0 ? null : `item ${id}`,
        qty: id * 3,
        price: id / 4,
        data: id % 5 === 0 ? Buffer.from([id, 0, 255]) : null,
      })
      .execute();
  }
}

const byId = (orm: Orm, id: number) =>
  orm.em.fork().getKysely<Db>().selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
const byIdSql = (orm: Orm) => orm.em.getKysely<Db>().selectFrom('items').selectAll().where('id', '=', 0).compile().sql;

describe.runIf(testDialect === 'sqlite')('SQLite statement cache', () => {
  it('the SQLite project runs this file (guard against a suite that silently runs nothing)', () => {
    expect(process.env.TEST_DIALECT ?? 'sqlite').toBe('sqlite');
  });

  describe.each([
    ['file', fileTarget],
    [':memory:', () => memoryTarget],
  ] as const)('on a %s database', (_kind, target) => {
    it('prepares a SQL text once: later executions, with other parameters, reuse the statement', async () => {
      const orm = await openSqlite(target());
      await createItems(orm, 20);
      const { database, prepares } = await spyOnPrepare(orm);
      expect(cacheOf(orm).database).toBe(database);
      const sql = byIdSql(orm);

      expect(await byId(orm, 3)).toMatchObject({ id: 3, label: 'item 3' });
      expect(prepares(sql)).toBe(1);
      for (let id = 1; id <= 20; id++) expect((await byId(orm, id))?.id).toBe(id);
      expect(await byId(orm, 999)).toBeUndefined();
      expect(prepares(sql)).toBe(1);

      // MikroORM's own queries inline their values: the same values are the same SQL text, prepared once.
      const countSql = 'select count(*) as n from items where qty > ?';
      await orm.em.execute(countSql, [10]);
      await orm.em.execute(countSql, [10]);
      expect(prepares('select count(*) as n from items where qty > 10')).toBe(1);
      // Transactions (begun IMMEDIATE: sqlite-transactions.ts): begin/commit are prepared once too.
      for (let i = 0; i < 3; i++) await orm.em.fork().transactional((em) => em.execute('select 1 as one'));
      expect(prepares('begin immediate')).toBe(1);
      expect(prepares('commit')).toBe(1);
      expect(cacheOf(orm).stats().hits).toBeGreaterThan(20);
    });

    it('handles schema changes: add a column, drop and recreate the table with other columns', async () => {
      const orm = await openSqlite(target());
      const connection = orm.em.getConnection();
      const { prepares } = await spyOnPrepare(orm);
      const kysely = () => orm.em.fork().getKysely<Db>();
      const select = (id: number) => kysely().selectFrom('t').selectAll().where('id', '=', id).executeTakeFirst();
      const sql = kysely().selectFrom('t').selectAll().where('id', '=', 0).compile().sql;

      await connection.execute('create table t (id integer primary key, a text)', [], 'run');
      await kysely().insertInto('t').values({ id: 1, a: 'x' }).execute();
      expect(await select(1)).toEqual({ id: 1, a: 'x' });

      await connection.execute('alter table t add column b text', [], 'run');
      await kysely().updateTable('t').set({ b: 'y' }).where('id', '=', 1).execute();
      expect(await select(1)).toEqual({ id: 1, a: 'x', b: 'y' });

      await connection.execute('drop table t', [], 'run');
      // A statement kept for a table that no longer exists fails like a fresh one, and maps to the same error.
      await expect(select(1)).rejects.toThrow(/no such table: t/);
      await expect(orm.em.execute('select * from t where id = 1')).rejects.toBeInstanceOf(TableNotFoundException);

      await connection.execute('create table t (id integer primary key, c integer)', [], 'run');
      await kysely().insertInto('t').values({ id: 1, c: 42 }).execute();
      expect(await select(1)).toEqual({ id: 1, c: 42 });
      // The same statement served all of it: SQLite re-prepared it on each schema change.
      expect(prepares(sql)).toBe(1);
    });

    it('keeps working across a database reset (drop every table, migrate up again)', async () => {
      const orm = await openSqlite(target());
      await orm.migrator.up();
      const em = orm.em.fork();
      const category = em.create(Category, { name: 'Books' });
      em.create(Product, { name: 'Dune', price: '9.50', category });
      await em.flush();
      const { prepares } = await spyOnPrepare(orm);
      const select = (id: number) =>
        orm.em.fork().getKysely<Db>().selectFrom('products').select(['id', 'name']).where('id', '=', id).execute();
      const sql = orm.em
        .getKysely<Db>()
        .selectFrom('products')
        .select(['id', 'name'])
        .where('id', '=', 0)
        .compile().sql;
      expect(await select(1)).toEqual([{ id: 1, name: 'Dune' }]);

      await resetDatabase(orm);
      expect(await select(1)).toEqual([]);
      const again = orm.em.fork();
      again.create(Product, { name: 'Emma', price: '4.00', category: again.create(Category, { name: 'Novels' }) });
      await again.flush();
      expect(await select(1)).toEqual([{ id: 1, name: 'Emma' }]);
      expect(await orm.em.fork().findOneOrFail(Product, 1, { populate: ['category'] })).toMatchObject({
        name: 'Emma',
        category: { name: 'Novels' },
      });
      expect(prepares(sql)).toBe(1);
    });

    it('streams while the same SQL runs elsewhere: through the ORM, and on the driver without its mutex', async () => {
      const orm = await openSqlite(target());
      await createItems(orm, 30);
      const { prepares } = await spyOnPrepare(orm);
      const all = () => orm.em.fork().getKysely<Db>().selectFrom('items').selectAll().orderBy('id');
      const sql = all().compile().sql;
      const expected = await all().execute();
      expect(expected).toHaveLength(30);
      const collect = async (rows: AsyncIterable<unknown>) => {
        const out: unknown[] = [];
        for await (const row of rows) out.push(row);
        return out;
      };

      // Through the ORM: Kysely's connection mutex queues the query and the second stream started while
      // the first stream is open; each finds the statement free by then and reuses it.
      const streamed: unknown[] = [];
      let concurrent: Promise<unknown[]> | undefined;
      let secondStream: Promise<unknown[]> | undefined;
      for await (const row of all().stream()) {
        streamed.push(row);
        if (streamed.length === 5) {
          concurrent = all().execute();
          secondStream = collect(all().stream());
        }
      }
      expect(streamed).toEqual(expected);
      expect(await concurrent).toEqual(expected);
      expect(await secondStream).toEqual(expected);
      // Left early (break): the iterator is returned and the statement serves again.
      for await (const _row of all().stream()) break;
      expect(await all().execute()).toEqual(expected);
      expect(prepares(sql)).toBe(1);
      expect(cacheOf(orm).stats().busy).toBe(0);

      // Kysely's own SQLite connection on the same cache, used without the mutex (what a caller holding
      // the connection could do): the same SQL runs, and streams again, while a stream is mid-way.
      const driver = new SqliteDialect({ database: cacheOf(orm) }).createDriver();
      await driver.init();
      const connection = await driver.acquireConnection();
      const compiled = all().compile();
      const outer: unknown[] = [];
      let during: unknown[] = [];
      let nested: unknown[] = [];
      for await (const { rows } of connection.streamQuery(compiled, 1)) {
        outer.push(...rows);
        if (outer.length === 5) {
          during = (await connection.executeQuery(compiled)).rows;
          nested = (await collect(connection.streamQuery(compiled, 1))).flatMap((r) => (r as { rows: unknown[] }).rows);
        }
      }
      expect(outer).toEqual(expected);
      expect(during).toEqual(expected);
      expect(nested).toEqual(expected);
      expect(cacheOf(orm).stats().busy).toBe(2);
      expect(prepares(sql)).toBe(3); // the cached one, and one fresh statement for each use while it was busy
      expect((await connection.executeQuery(compiled)).rows).toEqual(expected);
      expect(prepares(sql)).toBe(3);
    });

    it('em.stream of entities beside another em.stream and em.find of the same rows', async () => {
      const orm = await openSqlite(target());
      await orm.migrator.up();
      const em = orm.em.fork();
      for (let i = 1; i <= 12; i++) em.create(Category, { name: `c${String(i).padStart(2, '0')}` });
      await em.flush();
      const names = Array.from({ length: 12 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);
      const stream = () => orm.em.fork().stream(Category, { orderBy: { name: 'asc' } });
      const collect = async () => {
        const out: string[] = [];
        for await (const category of stream()) out.push(category.name);
        return out;
      };
      const streamed: string[] = [];
      let other: Promise<string[]> | undefined;
      let found: Promise<string[]> | undefined;
      for await (const category of stream()) {
        streamed.push(category.name);
        if (streamed.length === 3) {
          other = collect();
          found = orm.em
            .fork()
            .find(Category, {}, { orderBy: { name: 'asc' } })
            .then((rows) => rows.map((c) => c.name));
        }
      }
      expect(streamed).toEqual(names);
      expect(await other).toEqual(names);
      expect(await found).toEqual(names);
      expect(await collect()).toEqual(names);
    });
  });

  it('results are identical with and without the cache (rows, types, run results, returning, errors)', async () => {
    const target = fileTarget();
    const seed = await openSqlite(target, 0);
    await createItems(seed, 40);
    await seed.close(true);
    const cached = await openSqlite(target);
    const uncached = await openSqlite(target, 0);
    await uncached.em.getConnection().execute('select 1');
    expect(connectionOf(uncached).getStatementCache()).toBeUndefined(); // size 0: every query prepared anew

    async function workload(orm: Orm) {
      const kysely = () => orm.em.fork().getKysely<Db>();
      const out: unknown[] = [];
      for (let round = 0; round < 2; round++) {
        for (const id of [1, 5, 7, 35, 40, 41]) out.push(await byId(orm, id));
        out.push(await kysely().selectFrom('items').select(['id', 'data']).where('data', 'is not', null).execute());
        out.push(
          await kysely()
            .selectFrom('items')
            .select((eb) => eb.fn.sum<number>('price').as('total'))
            .execute(),
        );
        out.push(await orm.em.execute('select id, label, price from items where id in (?, ?) order by id', [2, 14]));
        const id = 100 + round;
        out.push(await kysely().insertInto('items').values({ id, label: 'new', qty: 1 }).executeTakeFirst());
        out.push(await kysely().updateTable('items').set({ qty: 2 }).where('id', '>=', 100).executeTakeFirst());
        out.push(
          await kysely()
            .insertInto('items')
            .values({ id: id + 10 })
            .returning(['id', 'label'])
            .execute(),
        );
        out.push(await kysely().deleteFrom('items').where('id', '>=', 100).executeTakeFirst());
        out.push(await orm.em.execute('update items set qty = qty where id <= ?', [3], 'run'));
        out.push(
          await kysely()
            .insertInto('items')
            .values({ id: 1 })
            .execute()
            .catch((error: Error) => error.message),
        );
      }
      return out;
    }
    const withCache = await workload(cached);
    const withoutCache = await workload(uncached);
    expect(withCache).toEqual(withoutCache);
    expect(withCache.at(-1)).toMatch(/UNIQUE constraint failed: items.id/);
    expect(cacheOf(cached).stats().hits).toBeGreaterThan(10);
  });

  it('hands Kysely no per-statement switches (raw, pluck, expand, safeIntegers, bind) on a shared statement', async () => {
    const orm = await openSqlite(memoryTarget);
    const statement = cacheOf(orm).prepare('select 1 as one');
    expect(statement.reader).toBe(true);
    expect(statement.all([])).toEqual([{ one: 1 }]);
    for (const name of ['raw', 'pluck', 'expand', 'safeIntegers', 'bind'])
      expect((statement as unknown as Record<string, unknown>)[name]).toBeUndefined();
    expect(cacheOf(orm).prepare('select 1 as one')).toBe(statement);
    const write = cacheOf(orm).prepare('create table z (id integer primary key)');
    expect(write.reader).toBe(false);
    expect(write.run([])).toMatchObject({ changes: 0 });
  });

  it('better-sqlite3 itself refuses a statement whose iterator is open (the hazard the cache avoids)', async () => {
    const orm = await openSqlite(memoryTarget);
    const database = await connectionOf(orm).getNativeClient();
    const statement = database.prepare('select 1 as one union all select 2');
    const iterator = statement.iterate();
    iterator.next();
    expect(statement.busy).toBe(true);
    expect(() => statement.all()).toThrow(/This statement is busy executing a query/);
    iterator.return?.();
    expect(statement.busy).toBe(false);
    // Through the cache: the busy statement is not handed out; a fresh one is.
    const cache = cacheOf(orm);
    const first = cache.prepare('select 3 as n union all select 4');
    const open = first.iterate([]);
    open.next();
    const second = cache.prepare('select 3 as n union all select 4');
    expect(second).not.toBe(first);
    expect(second.all([])).toEqual([{ n: 3 }, { n: 4 }]);
    open.return?.();
    expect(cache.prepare('select 3 as n union all select 4')).toBe(first);
  });

  it('is bounded (LRU) and does not keep very long SQL', async () => {
    const orm = await openSqlite(memoryTarget, 3);
    const cache = cacheOf(orm);
    expect(cache.capacity).toBe(3);
    const base = cache.stats().size;
    expect(base).toBeLessThanOrEqual(3);
    const { prepares } = await spyOnPrepare(orm);
    for (const n of [1, 2, 3]) cache.prepare(`select ${n}`);
    cache.prepare('select 1'); // most recent now: select 2 is the oldest
    cache.prepare('select 4'); // evicts select 2
    expect(cache.stats().size).toBe(3);
    cache.prepare('select 1');
    cache.prepare('select 2');
    expect(prepares('select 1')).toBe(1);
    expect(prepares('select 2')).toBe(2);

    const long = `select '${'x'.repeat(MAX_CACHED_SQL_LENGTH)}' as v`;
    cache.prepare(long);
    cache.prepare(long);
    expect(prepares(long)).toBe(2);
    expect(DEFAULT_STATEMENT_CACHE_SIZE).toBe(500);
  });

  it('lives per connection: another ORM prepares for itself; close clears it; reconnect starts a new one', async () => {
    const target = fileTarget();
    const a = await openSqlite(target);
    await createItems(a, 3);
    const b = await openSqlite(target);
    const sql = byIdSql(a);
    await byId(a, 1);
    const { prepares } = await spyOnPrepare(b);
    expect(cacheOf(a)).not.toBe(cacheOf(b));
    expect(await byId(b, 1)).toEqual(await byId(a, 1));
    expect(prepares(sql)).toBe(1);

    const before = cacheOf(a);
    const oldDatabase = before.database;
    expect(before.stats().size).toBeGreaterThan(0);
    await a.close(true);
    expect(before.stats().size).toBe(0);
    expect(oldDatabase.open).toBe(false);
    await a.connect();
    const after = cacheOf(a);
    expect(after).not.toBe(before);
    expect(after.database).not.toBe(oldDatabase);
    expect(after.database).toBe(await connectionOf(a).getNativeClient());
    expect(await byId(a, 2)).toMatchObject({ id: 2, label: 'item 2' });
    await a.reconnect();
    expect(cacheOf(a)).not.toBe(after);
    expect(await byId(a, 3)).toMatchObject({ id: 3 });
  });
});
