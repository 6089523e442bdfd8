import { Writable } from 'node:stream';
import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { Product } from '../../src/entities/index.ts';
import { createCategory } from '../../src/services/categories/writes.ts';
import { exportProductsNdjson, iterateProducts } from '../../src/services/products/export.ts';
import type { ProductView } from '../../src/services/products/reads.ts';
import { createProducts } from '../../src/services/products/writes.ts';

const { em } = useTestDatabase();

const COUNT = 2_500;
/** Exact prices of every shape: cents 00..99, up to 5 integer digits, and the NUMERIC(10,2) extremes. */
const priceOf = (i: number) =>
  i % 500 === 0
    ? '12345678.90'
    : i % 250 === 0
      ? '0.10'
      : `${(i * 7919) % 100_000}.${String(i % 100).padStart(2, '0')}`;

/** Inserts `count` products named P<i> over two categories; returns their ids in id order. */
async function fill(count: number): Promise<{ ids: number[]; categories: Map<number, string> }> {
  const a = await createCategory(em(), 'A');
  const b = await createCategory(em(), 'B');
  for (let start = 0; start < count; start += 1000) {
    await createProducts(
      em(),
      Array.from({ length: Math.min(1000, count - start) }, (_, k) => {
        const i = start + k;
        return { name: `P${i}`, price: priceOf(i), stock: 1, categoryId: (i % 2 ? a : b).id, metadata: { i } };
      }),
    );
  }
  const ids = (await em().find(Product, {}, { fields: ['id'], orderBy: { id: 'asc' } })).map((p) => p.id);
  return {
    ids,
    categories: new Map([
      [a.id, 'A'],
      [b.id, 'B'],
    ]),
  };
}

function expectExact(
  rows: Pick<ProductView, 'name' | 'price' | 'category' | 'metadata'>[],
  categories: Map<number, string>,
) {
  rows.forEach((row, position) => {
    const i = Number(row.name.slice(1));
    expect(i, row.name).toBe(position); // P0, P1, … in id order
    expect(row.price, row.name).toBe(priceOf(i));
    expect(row.category.name).toBe(categories.get(row.category.id));
    expect(row.category.name).toBe(i % 2 ? 'A' : 'B');
    expect(row.metadata).toEqual({ i });
  });
}

describe('large data', () => {
  it.each([100, 333])(
    'iterates every product exactly once, in id order, batch size %i, without managed entities',
    async (batchSize) => {
      const { ids, categories } = await fill(COUNT);
      expect(ids).toHaveLength(COUNT);
      const fork = em();
      const identityMapSize = () => fork.getUnitOfWork().getIdentityMap().values().length;
      const rows: ProductView[] = [];
      let largestMap = 0;
      for await (const product of iterateProducts(fork, batchSize)) {
        rows.push(product);
        largestMap = Math.max(largestMap, identityMapSize());
      }
      expect(rows.map((p) => p.id)).toEqual(ids); // all, once each, in order
      expect(new Set(rows.map((p) => p.id)).size).toBe(COUNT);
      expectExact(rows, categories);
      // Rows are mapped straight to views: nothing accumulates in the unit of work, whatever the table size.
      expect(largestMap).toBe(0);
      expect(identityMapSize()).toBe(0);
    },
  );

  it('iterates an empty table and a table smaller than one batch', async () => {
    const collect = async (batchSize: number) => {
      const ids: number[] = [];
      for await (const p of iterateProducts(em(), batchSize)) ids.push(p.id);
      return ids;
    };
    expect(await collect(10)).toEqual([]);
    const { ids } = await fill(3);
    expect(await collect(10)).toEqual(ids);
    expect(await collect(3)).toEqual(ids);
    expect(await collect(1)).toEqual(ids);
  });

  it('writes NDJSON: one parseable line per product, every id once, in order, exact prices', async () => {
    const { ids, categories } = await fill(COUNT);
    const chunks: string[] = [];
    const out = new Writable({
      highWaterMark: 1024, // small buffer: exercises the backpressure path
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        setImmediate(done);
      },
    });
    const progress: number[] = [];
    expect(await exportProductsNdjson(em(), out, (n) => progress.push(n))).toBe(COUNT);
    await new Promise<void>((resolve) => out.end(resolve)); // let buffered lines reach the sink
    const text = chunks.join('');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.split('\n').slice(0, -1);
    expect(lines).toHaveLength(COUNT);
    const rows = lines.map((line) => JSON.parse(line) as ProductView);
    expect(rows.map((r) => r.id)).toEqual(ids);
    expectExact(rows, categories);
    expect(rows[7]).toMatchObject({ name: 'P7', inStock: true, description: null, category: { name: 'A' } });
    expect(rows[500]).toMatchObject({ price: '12345678.90' });
    expect(typeof rows[0]?.price).toBe('string'); // never a JSON number
    expect(rows[7]?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(progress).toEqual([]); // reported every 50,000 rows
  });
});
