// Test databases on both dialects: in-memory SQLite, or a PostgreSQL database created for one test file
// and dropped after it. Used by every package's tests; never by production code.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseTarget } from '../database-url.ts';
import { type Dialect, type Orm, type OrmOptions, openOrm } from '../orm.ts';

/** The dialect this vitest project runs against (set per project in the vitest config). */
export const testDialect = (process.env.TEST_DIALECT ?? 'sqlite') as Dialect;

/** Server URL whose database is used only to CREATE/DROP the per-file test databases. */
export const postgresAdminUrl = () => process.env.DATABASE_URL_PG ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export async function postgresReachable(url = postgresAdminUrl()): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  orm: Orm;
  dialect: Dialect;
  target: DatabaseTarget;
  /** Every SQL statement executed since the database was opened (for N+1 assertions). */
  queries: string[];
  /** Empties every table (keeps the schema), for isolation between tests. */
  clear(): Promise<void>;
  /** Closes the ORM and, on PostgreSQL, drops the database. */
  destroy(): Promise<void>;
}

/** Opens a fresh, fully migrated database of `dialect`. */
export async function createTestDatabase(
  dialect: Dialect = testDialect,
  { migrate = true, ...options }: OrmOptions & { migrate?: boolean } = {},
): Promise<TestDatabase> {
  let target: DatabaseTarget = { dialect: 'sqlite', file: ':memory:' };
  let dropDatabase = async () => {};
  if (dialect === 'postgresql') {
    const name = `shop_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin((client) => client.query(`create database "${name}"`));
    const url = new URL(postgresAdminUrl());
    url.pathname = `/${name}`;
    target = { dialect: 'postgresql', url: url.toString(), database: name };
    dropDatabase = () =>
      admin((client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => {});
  }
  const queries: string[] = [];
  const orm = await openOrm(target, {
    ...options,
    onQuery: (sql) => {
      queries.push(sql);
      options.onQuery?.(sql);
    },
  });
  if (migrate) await orm.migrator.up();
  return {
    orm,
    dialect,
    target,
    queries,
    clear: () => orm.schema.clear(),
    async destroy() {
      await orm.close(true);
      await dropDatabase();
    },
  };
}
