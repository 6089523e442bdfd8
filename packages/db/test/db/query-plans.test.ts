// Product pages and the export read the products table in index order and stop after their rows: no plan
// sorts the whole table. MariaDB's optimizer, given a join to the small categories table, read categories
// first and sorted every product in a temporary table (1.9 s for page 1 of 1M products, and an export that
// would take most of an hour). Checked with each dialect's own EXPLAIN on the statements the services send.
import { createTestDatabase, serverUnavailable, type TestDatabase, testDialect } from '@shop/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCategory } from '../../src/services/categories/writes.ts';
import { listProductsByCursor } from '../../src/services/products/cursor.ts';
import { iterateProducts } from '../../src/services/products/export.ts';
import { listProducts } from '../../src/services/products/reads.ts';
import { createProducts } from '../../src/services/products/writes.ts';

const statements: { sql: string; parameters: readonly unknown[] }[] = [];
let db: TestDatabase | undefined;
const em = () => db!.orm.em.fork();
// PostgreSQL's planner is cost-based and rightly sorts a table this small; the bench's 1M-row pages cover it.
const skip = testDialect === 'postgresql' || serverUnavailable();

beforeAll(async () => {
  if (skip) return;
  db = await createTestDatabase(testDialect, { onQuery: (sql, parameters) => statements.push({ sql, parameters }) });
}, 60_000);
afterAll(async () => {
  await db?.destroy();
});

/** What sorts rows outside an index, in each dialect's EXPLAIN output. */
async function sortsOutsideAnIndex(sql: string, parameters: readonly unknown[]): Promise<string[]> {
  const connection = em().getConnection();
  switch (testDialect) {
    case 'mariadb': {
      const rows = await connection.execute<Record<string, unknown>[]>(`EXPLAIN ${sql}`, [...parameters]);
      return rows.map((row) => String(row.Extra ?? '')).filter((extra) => /Using (filesort|temporary)/.test(extra));
    }
    case 'sqlite': {
      const rows = await connection.execute<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, [...parameters]);
      return rows.map((row) => row.detail).filter((detail) => /TEMP B-TREE/.test(detail));
    }
    default:
      return [];
  }
}

describe.skipIf(skip)('query plans of product reads', () => {
  it('read pages and export batches in index order, with the category, without sorting the table', async () => {
    const categories = await Promise.all(['Books', 'Games', 'Maps'].map((name) => createCategory(em(), name)));
    await createProducts(
      em(),
      Array.from({ length: 600 }, (_, i) => ({
        name: `Product ${i}`,
        price: `${(i * 37) % 500}.00`,
        categoryId: categories[i % 3]!.id,
      })),
    );
    const reads: [string, () => Promise<unknown>][] = [
      ['page 1 by name', () => listProducts(em(), { orderBy: 'name' })],
      ['page 1 by price, descending', () => listProducts(em(), { orderBy: 'price', direction: 'desc' })],
      ['page 1 newest first', () => listProducts(em(), { orderBy: 'createdAt', direction: 'desc' })],
      ['a cursor page', () => listProductsByCursor(em(), { orderBy: 'name' })],
      ['an export batch', () => iterateProducts(em()).next()],
    ];
    const found: string[] = [];
    for (const [what, read] of reads) {
      const before = statements.length;
      await read();
      for (const { sql, parameters } of statements.slice(before).filter((s) => /^select/i.test(s.sql))) {
        const sorts = await sortsOutsideAnIndex(sql, parameters);
        if (sorts.length) found.push(`${what}: ${sorts.join('; ')} in ${sql}`);
      }
    }
    expect(found).toEqual([]);
  });
});
