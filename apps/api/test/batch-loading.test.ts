// The calls of one batched request share their reads (src/trpc/loaders.ts): ten products.byId calls are one
// statement, and each call answers exactly what it answers on its own (a missing id: its own 404).
import { Category, Product } from '@shop/db';
import { useTestDatabase } from '@shop/db/testing';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createApiServer } from '../src/http/server.ts';

const { db, em } = useTestDatabase();

async function catalog(count: number): Promise<number[]> {
  const fork = em();
  const category = fork.create(Category, { name: 'Lamps' });
  const products = Array.from({ length: count }, (_, i) =>
    fork.create(Product, { name: `Lamp ${i}`, price: `${i}.50`, category, stock: i, inStock: i > 0 }),
  );
  await fork.flush();
  return products.map((p) => p.id);
}

const input = (id: number) => ({ json: { id } });
const productReads = (queries: string[]) =>
  queries.filter((sql) => /from [`"]?products[`"]? as [`"]?p[`"]?/i.test(sql));

describe('a batched request of products.byId', () => {
  it('reads its products in one statement and answers each call as a single call would', async () => {
    const ids = await catalog(9);
    const asked = [...ids, 999_999, ids[0]!]; // nine products, a missing one, a repeated one
    const app = createApiServer({ orm: db().orm, log: pino({ level: 'silent' }) }).app;
    try {
      const singles = [];
      for (const id of asked) {
        const answer = await app.inject({
          method: 'GET',
          url: `/trpc/products.byId?input=${encodeURIComponent(JSON.stringify(input(id)))}`,
        });
        singles.push(JSON.parse(answer.body));
      }
      const before = db().queries.length;
      const batch = await app.inject({
        method: 'GET',
        url: `/trpc/${asked.map(() => 'products.byId').join(',')}?batch=1&input=${encodeURIComponent(
          JSON.stringify(Object.fromEntries(asked.map((id, i) => [i, input(id)]))),
        )}`,
      });
      expect(productReads(db().queries.slice(before))).toHaveLength(1);
      expect(batch.statusCode).toBe(207); // one call answered 404, the others 200
      expect(JSON.parse(batch.body)).toEqual(singles);
      expect(singles[9]).toMatchObject({ error: { json: { data: { httpStatus: 404 } } } });
    } finally {
      await app.close();
    }
  });
});
