// Prepared queries: built once per shape, each call's own values bound, on the EntityManager's connection.
import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { preparedQuery } from '../../src/driver/prepared-query.ts';
import { kysely } from '../../src/driver/sql.ts';
import { createCategory } from '../../src/services/categories/writes.ts';
import { getProduct, listProducts } from '../../src/services/products/reads.ts';
import { createProduct, createProducts } from '../../src/services/products/writes.ts';

const { em, db } = useTestDatabase();

const namesByIds = preparedQuery((db, { ids, after }: { ids: number[]; after?: string }, order: 'asc' | 'desc') => {
  let query = db.selectFrom('products as p').select(['p.id', 'p.name']).where('p.id', 'in', ids);
  if (after !== undefined) query = query.where('p.name', '>', after);
  return query.orderBy('p.name', order);
});

async function fill() {
  const category = await createCategory(em(), 'Books');
  const names = ['Atlas', 'Bible', 'Codex', 'Diary', 'Essay'];
  await createProducts(
    em(),
    names.map((name) => ({ name, price: '1.00', categoryId: category.id })),
  );
  const rows = await kysely(em()).selectFrom('products').select(['id', 'name']).orderBy('name').execute();
  return rows.map((row) => row.id);
}

describe('prepared queries', () => {
  it('bind each call’s own values, whatever shape was prepared first', async () => {
    const [a, b, c, d, e] = (await fill()) as [number, number, number, number, number];
    const names = async (...args: Parameters<typeof namesByIds> extends [unknown, ...infer R] ? R : never) =>
      (await namesByIds(em(), ...args)).map((row) => row.name);
    expect(await names({ ids: [a, b] }, 'asc')).toEqual(['Atlas', 'Bible']);
    expect(await names({ ids: [c, d] }, 'asc')).toEqual(['Codex', 'Diary']); // same shape, other values
    expect(await names({ ids: [c, d] }, 'desc')).toEqual(['Diary', 'Codex']); // other options
    expect(await names({ ids: [a, b, e] }, 'asc')).toEqual(['Atlas', 'Bible', 'Essay']); // a longer IN list
    expect(await names({ ids: [a, b, e], after: 'Atlas' }, 'asc')).toEqual(['Bible', 'Essay']); // a value more
    expect(await names({ ids: [d, e, a], after: 'Codex' }, 'desc')).toEqual(['Essay', 'Diary']);
    expect(await names({ ids: [a, b] }, 'asc')).toEqual(['Atlas', 'Bible']); // the first shape again
    expect(await names({ ids: [a, b], after: undefined }, 'asc')).toEqual(['Atlas', 'Bible']); // undefined: absent
  });

  it('run on the EntityManager’s transaction: its uncommitted rows, and nothing once it rolls back', async () => {
    const category = await createCategory(em(), 'Books');
    const seen = await em()
      .transactional(async (tx) => {
        const { id } = await createProduct(tx, { name: 'Draft', price: '1.00', categoryId: category.id });
        const found = [(await getProduct(tx, id)).name, (await listProducts(tx)).items.map((p) => p.name)];
        throw Object.assign(new Error('roll back'), { found });
      })
      .catch((error: { found?: unknown }) => error.found);
    expect(seen).toEqual(['Draft', ['Draft']]);
    expect((await listProducts(em())).items).toEqual([]);
  });

  it('are counted like any statement (the tests’ statement counter sees each call)', async () => {
    const [a, b] = (await fill()) as [number, number];
    const before = db().queries.length;
    await namesByIds(em(), { ids: [a] }, 'asc');
    await namesByIds(em(), { ids: [b] }, 'asc');
    const sql = db().queries.slice(before);
    expect(sql).toHaveLength(2);
    expect(sql[0]).toMatch(/from .products. as .p. where .p.\..id. in \((\?|\$1)\)/);
    expect(sql[1]).toBe(sql[0]);
  });

  it('refuse a builder that leaves a value unbound (it would be lost, not compared)', async () => {
    const careless = preparedQuery((db, _values: { id: number }, _options: null) =>
      db.selectFrom('products as p').select('p.id'),
    );
    await expect(careless(em(), { id: 1 }, null)).rejects.toThrow(/1 value\(s\) not bound/);
  });
});
