// Bench databases: a fresh SQLite file (WAL), PostgreSQL or MariaDB database, migrated and filled in bulk.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createCategory,
  createProducts,
  createUsers,
  type Dialect,
  ensureAdmin,
  login,
  type Orm,
  openAccount,
  openOrm,
  parseDatabaseUrl,
} from '@shop/db';
import mysql from 'mysql2/promise';
import pg from 'pg';

export interface BenchDatabase {
  url: string;
  orm: Orm;
  categoryIds: number[];
  productCount: number;
  drop(): Promise<void>;
}

const ADMIN_URL = process.env.DATABASE_URL_PG ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const MARIADB_ADMIN_URL = process.env.DATABASE_URL_MARIADB ?? 'mysql://root@127.0.0.1:3306/mysql';

export async function createBenchDatabase(dialect: Dialect): Promise<BenchDatabase> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'shop-bench-'));
    url = path.join(dir, 'bench.db');
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else if (dialect === 'mariadb') {
    const name = `shop_bench_${randomBytes(4).toString('hex')}`;
    const admin = async (sql: string) => {
      const connection = await mysql.createConnection({ uri: MARIADB_ADMIN_URL });
      await connection.query(sql).finally(() => connection.end());
    };
    await admin(`create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`);
    const u = new URL(MARIADB_ADMIN_URL);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = () => admin(`drop database if exists \`${name}\``);
  } else {
    const name = `shop_bench_${randomBytes(4).toString('hex')}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(sql).finally(() => client.end());
    };
    await admin(`create database "${name}"`);
    const u = new URL(ADMIN_URL);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = () => admin(`drop database if exists "${name}" with (force)`);
  }
  const orm = await openOrm(parseDatabaseUrl(url));
  await orm.migrator.up();
  return {
    url,
    orm,
    categoryIds: [],
    productCount: 0,
    async drop() {
      await orm.close();
      await cleanup();
    },
  };
}

export const ADMIN = { username: 'benchadmin', email: 'benchadmin@example.com', password: 'bench-admin-password' };

/** Users, categories, accounts and the admin; products are added by `addProducts`. */
export async function fillBase(db: BenchDatabase, { users, accounts }: { users: number; accounts: number }) {
  const em = () => db.orm.em.fork();
  await ensureAdmin(em(), ADMIN);
  for (const name of ['Books', 'Games', 'Music', 'Garden', 'Kitchen', 'Toys', 'Sports', 'Office']) {
    db.categoryIds.push((await createCategory(em(), name)).id);
  }
  const ids: number[] = [];
  for (let start = 0; start < users; start += 100) {
    const chunk = Array.from({ length: Math.min(100, users - start) }, (_, k) => ({
      username: `bench${start + k}`,
      email: `bench${start + k}@example.com`,
    }));
    ids.push(...(await createUsers(em(), chunk)).map((u) => u.id));
  }
  const accountIds: number[] = [];
  for (const owner of ids.slice(0, accounts)) accountIds.push((await openAccount(em(), owner, '1000000.00', 'any')).id);
  // The buyer of the checkout workload and the oversell check: the admin, paying from an account of their own.
  const admin = await login(em(), ADMIN.username, ADMIN.password);
  if (!admin) throw new Error('the bench admin cannot sign in');
  const buyerAccountId = (await openAccount(em(), admin.user.id, '9000000000.00', 'any')).id;
  return { userIds: ids, accountIds, buyerAccountId };
}

const WORDS = [
  'Classic',
  'Compact',
  'Deluxe',
  'Eco',
  'Mini',
  'Pro',
  'Smart',
  'Lamp',
  'Chair',
  'Puzzle',
  'Kettle',
  'Novel',
];

/** Appends products in 5,000-row transactions until the table holds `total`. */
export async function addProducts(db: BenchDatabase, total: number, onProgress?: (n: number) => void) {
  while (db.productCount < total) {
    const n = Math.min(5_000, total - db.productCount);
    const base = db.productCount;
    await createProducts(
      db.orm.em.fork(),
      Array.from({ length: n }, (_, k) => {
        const i = base + k;
        return {
          name: `${WORDS[i % 12]} ${WORDS[(i * 7) % 12]} ${i}`,
          price: `${(i * 37) % 5000}.${String(i % 100).padStart(2, '0')}`,
          categoryId: db.categoryIds[i % db.categoryIds.length] as number,
          stock: 1_000,
          metadata: { sku: `SKU-${i}` },
        };
      }),
    );
    db.productCount += n;
    onProgress?.(db.productCount);
  }
}

/**
 * After a bulk fill, the state a database in service is in: the filled tables' statistics current and, on
 * PostgreSQL, their visibility map set. Otherwise the server's own background work on the new rows
 * (autovacuum's analyze, InnoDB's statistics recalculation) runs during whichever workloads come first.
 * Only tables holding rows: an empty table analyzed is planned as empty (sequential scans) while the write
 * workloads grow it, until autovacuum looks again (a quick PostgreSQL run with every table analyzed:
 * orders.checkout 203 -> 124 req/s, accounts.transfer 617 -> 418). SQLite has no such background work.
 */
export async function settle(db: BenchDatabase, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') return;
  const connection = db.orm.em.getConnection();
  const schema = dialect === 'postgresql' ? 'current_schema()' : 'database()';
  const tables = await connection.execute<{ name: string }[]>(
    `select table_name as name from information_schema.tables where table_schema = ${schema} and table_type = 'BASE TABLE'`,
  );
  const quote = (name: string) => (dialect === 'postgresql' ? `"${name}"` : `\`${name}\``);
  for (const { name } of tables) {
    const [row] = await connection.execute<{ filled: unknown }[]>(
      `select exists (select 1 from ${quote(name)}) as filled`,
    );
    if (!row || !Number(row.filled)) continue;
    await connection.execute(
      dialect === 'postgresql' ? `vacuum (analyze) ${quote(name)}` : `analyze table ${quote(name)}`,
    );
  }
}
