// Test databases on every dialect: in-memory SQLite, or a PostgreSQL / MariaDB database created for one
// test file and dropped after it. Used by every package's tests; never by production code.
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DatabaseTarget } from '../driver/database-url.ts';
import { type Dialect, type Orm, type OrmOptions, openOrm } from '../driver/orm.ts';

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

/** Server URL whose root user creates and drops the per-file MariaDB test databases. */
export const mariadbAdminUrl = () => process.env.DATABASE_URL_MARIADB ?? 'mysql://root@127.0.0.1:3306/mysql';

export async function mariadbReachable(url = mariadbAdminUrl()): Promise<string | null> {
  try {
    const connection = await mysql.createConnection({ uri: url, connectTimeout: 3000 });
    try {
      await connection.query('select 1');
      return null;
    } finally {
      await connection.end();
    }
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function mariadbAdmin(statement: string): Promise<void> {
  const connection = await mysql.createConnection({ uri: mariadbAdminUrl() });
  try {
    await connection.query(statement);
  } finally {
    await connection.end();
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
  if (dialect === 'mariadb') {
    const name = `shop_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await mariadbAdmin(`create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`);
    const url = new URL(mariadbAdminUrl());
    url.pathname = `/${name}`;
    target = { dialect: 'mariadb', url: url.toString(), database: name };
    dropDatabase = () => mariadbAdmin(`drop database if exists \`${name}\``);
  }
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
    onQuery: (sql, parameters) => {
      queries.push(sql);
      options.onQuery?.(sql, parameters);
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
