// Product listing: filters, ordering, page and cursor pagination, summaries and stats.
import { Cursor } from '@mikro-orm/core';
import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { InvalidError } from '../../src/domain/errors.ts';
import { categoryStats, listCategories } from '../../src/services/categories/reads.ts';
import { createCategory } from '../../src/services/categories/writes.ts';
import { listProductsByCursor } from '../../src/services/products/cursor.ts';
import { listProducts, type ProductOrderField, productSummaries } from '../../src/services/products/reads.ts';
import { createProduct, createProducts } from '../../src/services/products/writes.ts';

const { em, db } = useTestDatabase();

describe('product listing', () => {
  async function shop() {
    const books = await createCategory(em(), 'Books');
    const games = await createCategory(em(), 'Games');
    await createProducts(em(), [
      { name: 'Chess', price: '30.00', categoryId: games.id, stock: 5 },
      { name: 'Go', price: '30.00', categoryId: games.id, stock: 5 },
      { name: '100% Cotton Bag', price: '5.00', categoryId: books.id, stock: 5 },
      { name: '100x Zoom', price: '99.90', categoryId: books.id, stock: 0 },
      { name: 'snake_case Guide', price: '15.50', categoryId: books.id, stock: 5 },
      { name: 'snakeXcase Novel', price: '0.99', categoryId: books.id, stock: 5 },
      { name: 'Back\\slash Atlas', price: '100.00', categoryId: books.id, stock: 0 },
    ]);
    return { books, games };
  }
  const shopCategory = async (name: string) => (await listCategories(em())).find((c) => c.name === name)!;
  const names = async (request: Parameters<typeof listProducts>[1]) =>
    (await listProducts(em(), { perPage: 100, ...request })).items.map((p) => p.name);

  it('filters by category and stock', async () => {
    const { books, games } = await shop();
    expect(await names({ categoryId: games.id })).toEqual(['Chess', 'Go']);
    expect(await names({ categoryId: books.id, inStock: false })).toEqual(['100x Zoom', 'Back\\slash Atlas']);
    expect(await names({ inStock: true, categoryId: games.id })).toEqual(['Chess', 'Go']);
    expect((await listProducts(em(), { inStock: true })).total).toBe(5);
    expect(await names({ categoryId: 99_999 })).toEqual([]);
  });

  it('filters by an inclusive price range, compared as numbers', async () => {
    await shop();
    expect(await names({ minPrice: '5', maxPrice: '30.00', orderBy: 'price' })).toEqual([
      '100% Cotton Bag',
      'snake_case Guide',
      'Chess',
      'Go',
    ]);
    // 100.00 > 99.90 > 15.50 numerically (a text comparison would order them the other way).
    expect(await names({ minPrice: '99.90', orderBy: 'price' })).toEqual(['100x Zoom', 'Back\\slash Atlas']);
    expect(await names({ minPrice: '15.50', maxPrice: '15.50' })).toEqual(['snake_case Guide']);
    expect(await names({ minPrice: '15.51', maxPrice: '29.99' })).toEqual([]);
    expect(await names({ maxPrice: '0.99' })).toEqual(['snakeXcase Novel']);
  });

  it('matches names case-insensitively with literal %, _ and backslash', async () => {
    const { books } = await shop();
    expect(await names({ nameContains: '0%' })).toEqual(['100% Cotton Bag']);
    expect(await names({ nameContains: '%' })).toEqual(['100% Cotton Bag']);
    expect(await names({ nameContains: 'E_C' })).toEqual(['snake_case Guide']);
    expect(await names({ nameContains: '_' })).toEqual(['snake_case Guide']);
    expect(await names({ nameContains: 'k\\s' })).toEqual(['Back\\slash Atlas']);
    expect(await names({ nameContains: 'cHeSs' })).toEqual(['Chess']);
    expect(await names({ nameContains: 'SNAKE', categoryId: books.id, maxPrice: '1' })).toEqual(['snakeXcase Novel']);
    expect(await names({ nameContains: 'nothing like this' })).toEqual([]);
  });

  it('orders by name, price and createdAt both ways with a stable id tie-break', async () => {
    const c = await createCategory(em(), 'C');
    // Lower-case ASCII names sort the same under every collation; ties on name and on price.
    await createProducts(em(), [
      { name: 'delta', price: '100.00', categoryId: c.id },
      { name: 'alpha', price: '30.00', categoryId: c.id },
      { name: 'charlie', price: '30.00', categoryId: c.id },
      { name: 'bravo', price: '5.00', categoryId: c.id },
      { name: 'echo', price: '99.90', categoryId: c.id },
      { name: 'alpha', price: '30.00', categoryId: c.id },
    ]);
    const byId = (await listProducts(em(), { perPage: 100 })).items.sort((x, y) => x.id - y.id);
    const label = (i: number) => `${byId[i]!.name}#${i}`;
    const order = async (orderBy: ProductOrderField, direction: 'asc' | 'desc') =>
      (await listProducts(em(), { orderBy, direction })).items.map(
        (p) => `${p.name}#${byId.findIndex((x) => x.id === p.id)}`,
      );
    expect(await order('name', 'asc')).toEqual([1, 5, 3, 2, 0, 4].map(label));
    expect(await order('name', 'desc')).toEqual([4, 0, 2, 3, 5, 1].map(label));
    // Equal prices (alpha, charlie, alpha: 30.00) order by id in the same direction; 100.00 > 99.90 numerically.
    expect(await order('price', 'asc')).toEqual([3, 1, 2, 5, 4, 0].map(label));
    expect(await order('price', 'desc')).toEqual([0, 4, 5, 2, 1, 3].map(label));
    // One bulk insert: every createdAt is equal, so the order is the id order.
    expect(await order('createdAt', 'asc')).toEqual([0, 1, 2, 3, 4, 5].map(label));
    expect(await order('createdAt', 'desc')).toEqual([5, 4, 3, 2, 1, 0].map(label));
    // The default is name ascending.
    expect((await listProducts(em())).items.map((p) => p.id)).toEqual([1, 5, 3, 2, 0, 4].map((i) => byId[i]!.id));
  });

  it('orders by createdAt across separate inserts', async () => {
    const c = await createCategory(em(), 'C');
    const first = await createProduct(em(), { name: 'B-first', price: '1.00', categoryId: c.id });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await createProduct(em(), { name: 'A-second', price: '1.00', categoryId: c.id });
    expect(second.createdAt.getTime()).toBeGreaterThan(first.createdAt.getTime());
    expect(await names({ orderBy: 'createdAt' })).toEqual(['B-first', 'A-second']);
    expect(await names({ orderBy: 'createdAt', direction: 'desc' })).toEqual(['A-second', 'B-first']);
  });

  it('paginates with totals; a page past the end is empty; sizes are clamped', async () => {
    await shop();
    const ordered = await names({});
    const first = await listProducts(em(), { page: 1, perPage: 3 });
    expect(first).toMatchObject({ total: 7, page: 1, perPage: 3, pages: 3, hasNext: true, hasPrev: false });
    const last = await listProducts(em(), { page: 3, perPage: 3 });
    expect(last).toMatchObject({ total: 7, page: 3, perPage: 3, pages: 3, hasNext: false, hasPrev: true });
    const pages = [first, await listProducts(em(), { page: 2, perPage: 3 }), last];
    expect(pages.flatMap((p) => p.items.map((i) => i.name))).toEqual(ordered);
    expect(await listProducts(em(), { page: 9, perPage: 3 })).toMatchObject({
      items: [],
      total: 7,
      pages: 3,
      hasNext: false,
      hasPrev: true,
    });
    expect((await listProducts(em(), { perPage: 1000 })).perPage).toBe(100);
    expect(await listProducts(em(), { page: 0, perPage: 0 })).toMatchObject({ page: 1, perPage: 1, pages: 7 });
    const filtered = await listProducts(em(), { categoryId: (await shopCategory('Games')).id, perPage: 1 });
    expect(filtered).toMatchObject({ total: 2, pages: 2, hasNext: true });
  });

  it.each<[ProductOrderField, 'asc' | 'desc']>([
    ['name', 'asc'],
    ['name', 'desc'],
    ['price', 'asc'],
    ['price', 'desc'],
    ['createdAt', 'asc'],
    ['createdAt', 'desc'],
  ])('walks every cursor page by %s %s without duplicates or gaps, in offset order', async (orderBy, direction) => {
    const c = await createCategory(em(), 'Bulk');
    const other = await createCategory(em(), 'Other');
    // Many equal names, prices and createdAt values; prices span 0.xx to 3-digit values.
    await createProducts(
      em(),
      Array.from({ length: 53 }, (_, i) => ({
        name: `Item ${i % 9}`,
        price: `${[0, 9, 10, 99, 100][i % 5]}.${String((i * 7) % 3).padStart(2, '0')}`,
        categoryId: i % 4 === 0 ? other.id : c.id,
      })),
    );
    await createProduct(em(), { name: 'Late', price: '10.00', categoryId: c.id });
    for (const filters of [{}, { categoryId: c.id, minPrice: '9.00' }]) {
      const offsetOrder = (await listProducts(em(), { ...filters, orderBy, direction, perPage: 100 })).items.map(
        (p) => p.id,
      );
      const walked: number[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 20; pages++) {
        const page = await listProductsByCursor(em(), { ...filters, orderBy, direction, first: 7, after });
        walked.push(...page.items.map((p) => p.id));
        expect(page.hasNext).toBe(page.nextCursor !== null);
        if (!page.hasNext) break;
        after = page.nextCursor;
      }
      expect(walked).toEqual(offsetOrder);
      expect(new Set(walked).size).toBe(walked.length);
      expect(walked.length).toBe((await listProducts(em(), filters)).total);
    }
  });

  it('rejects a malformed cursor with INVALID on after', async () => {
    const c = await createCategory(em(), 'C');
    await createProducts(
      em(),
      Array.from({ length: 3 }, (_, i) => ({ name: `P${i}`, price: `${i}.50`, categoryId: c.id })),
    );
    const valid = (await listProductsByCursor(em(), { orderBy: 'price', first: 1 })).nextCursor!;
    expect((await listProductsByCursor(em(), { orderBy: 'price', first: 1, after: valid })).items).toHaveLength(1);
    const forged: [ProductOrderField, string][] = [
      ['name', 'not-a-cursor'],
      ['name', '%%%'],
      ['name', Cursor.encode(['P1'])],
      ['name', Cursor.encode(['P1', 1, 2])],
      ['name', Cursor.encode(['P1', 'abc'])],
      ['name', Cursor.encode(['P1', -1])],
      ['name', Cursor.encode([{ $ne: null }, 1])],
      ['name', Cursor.encode([['P1'], 1])],
      ['price', Cursor.encode(['abc', 1])],
      ['price', Cursor.encode([null, 1])],
      ['createdAt', Cursor.encode(['nope', 1])],
      ['createdAt', Cursor.encode([12, 1])],
    ];
    for (const [orderBy, after] of forged) {
      const error = await listProductsByCursor(em(), { orderBy, after }).catch((e: unknown) => e);
      expect(error, `${orderBy} ${after}`).toBeInstanceOf(InvalidError);
      expect(error).toMatchObject({ field: 'after' });
    }
    // A cursor made for another ordering with a key of the wrong type is refused too.
    const byName = (await listProductsByCursor(em(), { orderBy: 'name', first: 1 })).nextCursor!;
    await expect(listProductsByCursor(em(), { orderBy: 'price', after: byName })).rejects.toBeInstanceOf(InvalidError);
    await expect(listProductsByCursor(em(), { orderBy: 'createdAt', after: byName })).rejects.toBeInstanceOf(
      InvalidError,
    );
  });

  it('selects only id, name and price for summaries', async () => {
    await shop();
    const before = db().queries.length;
    const rows = await productSummaries(em(), { nameContains: 'go' });
    expect(rows).toEqual([{ id: expect.any(Number), name: 'Go', price: '30.00' }]);
    const sql = db().queries.slice(before).join('\n');
    expect(sql).toMatch(/select/i);
    expect(sql).not.toMatch(/description|metadata|in_stock|category_id/);
    expect((await productSummaries(em(), {}, 3)).map((r) => r.name)).toEqual((await names({})).slice(0, 3));
    expect(Object.keys((await productSummaries(em()))[0] ?? {}).sort()).toEqual(['id', 'name', 'price']);
  });

  it('counts products and aggregates prices per category with GROUP BY and a HAVING minimum', async () => {
    const { books, games } = await shop();
    const empty = await createCategory(em(), 'Empty');
    const prices = (min: string, max: string, averagePrice: string) => ({ minPrice: min, maxPrice: max, averagePrice });
    const none = { minPrice: null, maxPrice: null, averagePrice: null };
    const everything = [
      { categoryId: books.id, name: 'Books', productCount: 5, ...prices('0.99', '100.00', '44.28') /* 221.39 / 5 */ },
      { categoryId: empty.id, name: 'Empty', productCount: 0, ...none },
      { categoryId: games.id, name: 'Games', productCount: 2, ...prices('30.00', '30.00', '30.00') },
    ];
    expect(await categoryStats(em())).toEqual(everything);
    expect(await categoryStats(em(), { minProducts: 0 })).toEqual(everything);
    expect(await categoryStats(em(), { minProducts: 1 })).toEqual([everything[0], everything[2]]);
    expect(await categoryStats(em(), { minProducts: 2 })).toEqual([everything[0], everything[2]]); // inclusive
    expect(await categoryStats(em(), { minProducts: 3 })).toEqual([everything[0]]);
    expect(await categoryStats(em(), { minProducts: 6 })).toEqual([]);
  });
});
