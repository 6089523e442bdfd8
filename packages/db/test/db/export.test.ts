import { Writable } from 'node:stream';
import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { createCategory } from '../../src/services/categories.ts';
import { exportProductsNdjson, iterateProducts } from '../../src/services/export.ts';
import { createProducts } from '../../src/services/products.ts';

const { em } = useTestDatabase();

async function fill(count: number) {
  const [a, b] = [await createCategory(em(), 'A'), await createCategory(em(), 'B')];
  for (let start = 0; start < count; start += 1000) {
    await createProducts(
      em(),
      Array.from({ length: Math.min(1000, count - start) }, (_, k) => {
        const i = start + k;
        return {
          name: `P${i}`,
          price: `${i % 100}.${String(i % 100).padStart(2, '0')}`,
          categoryId: (i % 2 ? a : b).id,
        };
      }),
    );
  }
}

describe('large data', () => {
  it('iterates every product once, in id order, with a bounded identity map', async () => {
    await fill(2_500);
    const fork = em();
    const ids: number[] = [];
    let largestMap = 0;
    for await (const product of iterateProducts(fork, 100)) {
      ids.push(product.id);
      largestMap = Math.max(largestMap, fork.getUnitOfWork().getIdentityMap().values().length);
      expect(product.price).toMatch(/^\d+\.\d{2}$/);
    }
    expect(ids).toHaveLength(2_500);
    expect(new Set(ids).size).toBe(2_500);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    // One batch of products plus its categories: memory does not grow with the table.
    expect(largestMap).toBeLessThanOrEqual(100 + 2);
  });

  it('writes NDJSON with exact prices and the category', async () => {
    await fill(1_234);
    const lines: string[] = [];
    const out = new Writable({
      highWaterMark: 1024, // small buffer: exercises the backpressure path
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        setImmediate(done);
      },
    });
    expect(await exportProductsNdjson(em(), out)).toBe(1_234);
    await new Promise<void>((resolve) => out.end(resolve)); // let buffered lines reach the sink
    const rows = lines.map((line) => JSON.parse(line));
    expect(rows).toHaveLength(1_234);
    expect(rows[7]).toMatchObject({ name: 'P7', price: '7.07', category: { name: 'A' } });
    expect(rows[7].createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(rows[99]).toMatchObject({ price: '99.99' });
  });
});
