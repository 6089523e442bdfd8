// Deep pages (products.list with a large offset): the same rows as the keyset cursor walks to, and the work of
// a row done only for the page's rows. Before, PostgreSQL read every skipped product and looked up its
// category, and MariaDB sorted the whole table instead of reading the index (page 250 of 10k products:
// 7.1 and 8 ms against 1.7 and 2 ms). Checked with each dialect's own EXPLAIN ANALYZE on the statement the
// service sends; SQLite already skips OFFSET rows in the index and keeps its plain statement.
import { createTestDatabase, serverUnavailable, type TestDatabase, testDialect } from '@shop/db/testing';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kysely } from '../../src/driver/sql.ts';
import { createCategory } from '../../src/services/categories/writes.ts';
import { listProductsByCursor } from '../../src/services/products/cursor.ts';
import { listProducts, type ProductFilters, type ProductOrder } from '../../src/services/products/reads.ts';
import { createProducts } from '../../src/services/products/writes.ts';

const statements: { sql: string; parameters: readonly unknown[] }[] = [];
let db: TestDatabase | undefined;
const em = () => db!.orm.em.fork();
const PRODUCTS = 1_000;
let categoryId = 0;

beforeAll(async () => {
  if (serverUnavailable()) return;
  db = await createTestDatabase(testDialect, { onQuery: (sql, parameters) => statements.push({ sql, parameters }) });
  const categories = await Promise.all(['Books', 'Games', 'Maps'].map((name) => createCategory(em(), name)));
  categoryId = categories[1]!.id;
  await createProducts(
    em(),
    Array.from({ length: PRODUCTS }, (_, i) => ({
      name: `Product ${String((i * 7919) % PRODUCTS).padStart(4, '0')}`,
      price: `${(i * 37) % 50}.00`, // many equal prices: the id breaks the ties
      categoryId: categories[i % 3]!.id,
      stock: i % 4 === 0 ? 0 : 5,
    })),
  );
  // The statistics a table in service has (the planners choose between the index and a sort on them).
  const analyze = { sqlite: 'analyze', postgresql: 'vacuum analyze products', mariadb: 'analyze table products' };
  await em().getConnection().execute(analyze[testDialect]);
}, 120_000);
afterAll(async () => {
  await db?.destroy();
});

/** Every matching product in order, walked with the keyset cursor (another statement, no OFFSET). */
async function allInOrder(request: ProductFilters & ProductOrder): Promise<number[]> {
  const ids: number[] = [];
  let after: string | null = null;
  do {
    const page = await listProductsByCursor(em(), { ...request, first: 100, after });
    ids.push(...page.items.map((product) => product.id));
    after = page.nextCursor;
  } while (after);
  return ids;
}

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };
const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];
// biome-ignore lint/suspicious/noExplicitAny: MariaDB's ANALYZE FORMAT=JSON is a tree of many node kinds.
const jsonNodes = (value: any): any[] =>
  value && typeof value === 'object' ? [value, ...Object.values(value).flatMap(jsonNodes)] : [];

/**
 * The per-row work of a statement, from the database's own account of running it: PostgreSQL, how many times
 * a category was looked up; MariaDB, how many full product rows were read (an access that is not index-only).
 */
async function perRowWork(sql: string, parameters: readonly unknown[]): Promise<number> {
  const run = async <Row>(text: string) =>
    (await kysely(em()).executeQuery<Row>(CompiledQuery.raw(text, [...parameters]))).rows;
  if (testDialect === 'postgresql') {
    const [row] = await run<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (analyze, format json) ${sql}`);
    return planNodes(row!['QUERY PLAN'][0].Plan)
      .filter((node) => node['Relation Name'] === 'categories')
      .reduce((sum, node) => sum + Number(node['Actual Loops']), 0);
  }
  const [row] = await run<Record<string, string>>(`analyze format=json ${sql}`);
  return jsonNodes(JSON.parse(Object.values(row!)[0]!))
    .filter((node) => node.table_name === 'p' && node.using_index !== true && node.r_loops > 0)
    .reduce((sum, node) => sum + node.r_loops * node.r_rows, 0);
}

describe.skipIf(serverUnavailable())('deep pages of products', () => {
  it.each<[string, ProductFilters & ProductOrder]>([
    ['by name', { orderBy: 'name' }],
    ['by price, descending (ties by id)', { orderBy: 'price', direction: 'desc' }],
    ['newest first, in stock, one category', { orderBy: 'createdAt', direction: 'desc', inStock: true, categoryId }],
  ])('are the rows the cursor walks to, on either side of the deferred join: %s', async (_, request) => {
    const expected = await allInOrder(request);
    for (const page of [1, 5, 6, 11, Math.ceil(expected.length / 20)]) {
      const result = await listProducts(em(), { ...request, page, perPage: 20 });
      expect(
        result.items.map((product) => product.id),
        `page ${page}`,
      ).toEqual(expected.slice((page - 1) * 20, page * 20));
      expect(result.total).toBe(expected.length);
      expect(result.hasNext).toBe(page * 20 < expected.length);
    }
  });

  it.skipIf(testDialect === 'sqlite')('read full rows and categories for the page alone', async () => {
    const before = statements.length;
    const page = await listProducts(em(), { page: 30, perPage: 20, orderBy: 'name' }); // skips 580 rows
    expect(page.items).toHaveLength(20);
    const [statement, ...others] = statements.slice(before);
    expect(others).toEqual([]);
    expect(await perRowWork(statement!.sql, statement!.parameters)).toBeLessThanOrEqual(20);
  });

  it.runIf(testDialect === 'sqlite')('keep, on SQLite, the plain statement read in index order', async () => {
    const before = statements.length;
    await listProducts(em(), { page: 30, perPage: 20, orderBy: 'name' });
    const [statement] = statements.slice(before);
    const plan = await kysely(em()).executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${statement!.sql}`, [...statement!.parameters]),
    );
    const details = plan.rows.map((row) => row.detail);
    expect(details).toContain('SCAN p USING INDEX idx_products_name');
    expect(details.filter((detail) => /TEMP B-TREE|AUTOMATIC/.test(detail))).toEqual([]);
  });
});
