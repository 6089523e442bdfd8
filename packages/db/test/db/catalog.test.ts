import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { InvalidError, NotFoundError } from '../../src/errors.ts';
import {
  categoryStats,
  createCategory,
  deleteCategory,
  getCategory,
  listCategories,
  renameCategory,
} from '../../src/services/categories.ts';
import {
  createProduct,
  createProducts,
  deleteProduct,
  getProduct,
  listProducts,
  listProductsByCursor,
  type ProductOrderField,
  productSummaries,
  updateProduct,
} from '../../src/services/products.ts';
import { upsertProfile } from '../../src/services/profiles.ts';
import { assignRole, createRole } from '../../src/services/roles.ts';
import { createUsers, listUsers } from '../../src/services/users.ts';

const { em, db } = useTestDatabase();

describe('categories', () => {
  it('creates, lists, renames and deletes; duplicates and non-empty deletes conflict', async () => {
    const books = await createCategory(em(), 'Books');
    await createCategory(em(), 'Art');
    expect((await listCategories(em())).map((c) => c.name)).toEqual(['Art', 'Books']);
    await expect(createCategory(em(), 'Books')).rejects.toMatchObject({ kind: 'CONFLICT', field: 'name' });
    expect((await renameCategory(em(), books.id, 'Novels')).name).toBe('Novels');
    expect((await getCategory(em(), books.id)).name).toBe('Novels');
    await createProduct(em(), { name: 'Dune', price: '9.99', categoryId: books.id });
    await expect(deleteCategory(em(), books.id)).rejects.toMatchObject({ kind: 'CONFLICT', field: 'products' });
    expect((await listProducts(em())).total).toBe(1);
    await expect(deleteCategory(em(), 99_999)).rejects.toBeInstanceOf(NotFoundError);
    await expect(renameCategory(em(), 99_999, 'x')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('products', () => {
  it('keeps prices exact two-place decimals and JSON metadata intact', async () => {
    const c = await createCategory(em(), 'C');
    for (const [input, stored] of [
      ['19.99', '19.99'],
      ['0.10', '0.10'],
      ['12345678.90', '12345678.90'],
      ['7', '7.00'],
      ['0.3', '0.30'],
    ] as const) {
      const p = await createProduct(em(), {
        name: `p${input}`,
        price: input,
        categoryId: c.id,
        metadata: { tags: ['a'], n: 1 },
      });
      expect((await getProduct(em(), p.id)).price).toBe(stored);
      expect((await getProduct(em(), p.id)).metadata).toEqual({ tags: ['a'], n: 1 });
    }
  });

  it('rejects a negative price through the CHECK constraint, and an unknown category', async () => {
    const c = await createCategory(em(), 'C');
    await expect(createProduct(em(), { name: 'bad', price: '-1.00', categoryId: c.id })).rejects.toBeInstanceOf(
      InvalidError,
    );
    await expect(createProduct(em(), { name: 'lost', price: '1.00', categoryId: 99_999 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(createProducts(em(), [{ name: 'lost', price: '1.00', categoryId: 99_999 }])).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await listProducts(em())).total).toBe(0);
  });

  it('updates partially, moves between categories, deletes', async () => {
    const a = await createCategory(em(), 'A');
    const b = await createCategory(em(), 'B');
    const p = await createProduct(em(), { name: 'Lamp', price: '10.00', categoryId: a.id });
    const updated = await updateProduct(em(), p.id, { price: '12.5', categoryId: b.id, inStock: false });
    expect(updated).toMatchObject({ name: 'Lamp', price: '12.50', inStock: false, category: { id: b.id, name: 'B' } });
    await expect(updateProduct(em(), p.id, { categoryId: 99_999 })).rejects.toBeInstanceOf(NotFoundError);
    await deleteProduct(em(), p.id);
    await expect(getProduct(em(), p.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteProduct(em(), p.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('product listing', () => {
  async function shop() {
    const books = await createCategory(em(), 'Books');
    const games = await createCategory(em(), 'Games');
    await createProducts(em(), [
      { name: 'Chess', price: '30.00', categoryId: games.id },
      { name: 'Go', price: '30.00', categoryId: games.id },
      { name: '100% Cotton Bag', price: '5.00', categoryId: books.id },
      { name: '100x Zoom', price: '99.90', categoryId: books.id, inStock: false },
      { name: 'snake_case Guide', price: '15.50', categoryId: books.id },
      { name: 'snakeXcase Novel', price: '0.99', categoryId: books.id },
    ]);
    return { books, games };
  }
  const names = async (request: Parameters<typeof listProducts>[1]) =>
    (await listProducts(em(), request)).items.map((p) => p.name);

  it('filters by category, inclusive price range, stock, and literal case-insensitive name', async () => {
    const { books, games } = await shop();
    expect(await names({ categoryId: games.id })).toEqual(['Chess', 'Go']);
    expect(await names({ minPrice: '5', maxPrice: '30.00', orderBy: 'price' })).toEqual([
      '100% Cotton Bag',
      'snake_case Guide',
      'Chess',
      'Go',
    ]);
    expect(await names({ inStock: false })).toEqual(['100x Zoom']);
    expect(await names({ nameContains: '0%' })).toEqual(['100% Cotton Bag']);
    expect(await names({ nameContains: 'E_C' })).toEqual(['snake_case Guide']);
    expect(await names({ nameContains: 'SNAKE', categoryId: books.id, maxPrice: '1' })).toEqual(['snakeXcase Novel']);
  });

  it('orders by name, price and createdAt both ways with an id tie-break', async () => {
    await shop();
    const all = (await listProducts(em(), { perPage: 100 })).items;
    const byPrice = await listProducts(em(), { orderBy: 'price', direction: 'desc' });
    const prices = byPrice.items.map((p) => Number(p.price));
    expect(prices).toEqual([...prices].sort((a, b) => b - a));
    const chessGo = byPrice.items.filter((p) => p.price === '30.00').map((p) => p.name);
    expect(chessGo).toEqual(['Go', 'Chess']); // equal prices: id descending
    const asc = await names({ orderBy: 'createdAt', direction: 'asc' });
    expect(asc).toEqual([...all].sort((a, b) => a.id - b.id).map((p) => p.name));
    const desc = await names({ orderBy: 'createdAt', direction: 'desc' });
    expect(desc).toEqual([...asc].reverse());
    expect((await names({ orderBy: 'name', direction: 'desc' })).length).toBe(6);
  });

  it('paginates with totals, and a page past the end is empty', async () => {
    await shop();
    const page = await listProducts(em(), { page: 2, perPage: 4 });
    expect(page).toMatchObject({ total: 6, page: 2, perPage: 4, pages: 2, hasNext: false, hasPrev: true });
    expect(page.items).toHaveLength(2);
    expect(await listProducts(em(), { page: 5, perPage: 4 })).toMatchObject({ items: [], total: 6, pages: 2 });
    expect((await listProducts(em(), { perPage: 1000 })).perPage).toBe(100);
  });

  it.each<[ProductOrderField, 'asc' | 'desc']>([
    ['name', 'asc'],
    ['price', 'desc'],
    ['createdAt', 'asc'],
    ['price', 'asc'],
  ])('walks every cursor page by %s %s without duplicates or gaps, in offset order', async (orderBy, direction) => {
    const c = await createCategory(em(), 'Bulk');
    await createProducts(
      em(),
      Array.from({ length: 47 }, (_, i) => ({ name: `Item ${i % 9}`, price: `${(i % 5) + 1}.00`, categoryId: c.id })),
    );
    const offsetOrder = (await listProducts(em(), { orderBy, direction, perPage: 100 })).items.map((p) => p.id);
    const walked: number[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const page = await listProductsByCursor(em(), { orderBy, direction, first: 10, after });
      walked.push(...page.items.map((p) => p.id));
      if (!page.hasNext) break;
      after = page.nextCursor;
    }
    expect(walked).toEqual(offsetOrder);
    expect(new Set(walked).size).toBe(47);
  });

  it('rejects a malformed cursor', async () => {
    await expect(listProductsByCursor(em(), { after: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidError);
  });

  it('selects only id, name and price for summaries', async () => {
    await shop();
    const rows = await productSummaries(em(), { nameContains: 'go' });
    expect(rows).toEqual([{ id: expect.any(Number), name: 'Go', price: '30.00' }]);
  });

  it('counts products per category with GROUP BY and a HAVING minimum', async () => {
    const { books, games } = await shop();
    const empty = await createCategory(em(), 'Empty');
    expect(await categoryStats(em())).toEqual([
      { categoryId: books.id, name: 'Books', productCount: 4 },
      { categoryId: empty.id, name: 'Empty', productCount: 0 },
      { categoryId: games.id, name: 'Games', productCount: 2 },
    ]);
    expect(await categoryStats(em(), { minProducts: 3 })).toEqual([
      { categoryId: books.id, name: 'Books', productCount: 4 },
    ]);
  });
});

describe('eager loading (no N+1)', () => {
  async function queriesFor(run: () => Promise<unknown>): Promise<number> {
    const before = db().queries.length;
    await run();
    return db().queries.length - before;
  }

  it('lists products with their category in a constant number of queries', async () => {
    const categories = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((n) => createCategory(em(), n)));
    const add = (count: number) =>
      createProducts(
        em(),
        Array.from({ length: count }, (_, i) => ({ name: `P${i}`, price: '1.00', categoryId: categories[i % 5]!.id })),
      );
    await add(5);
    const few = await queriesFor(() => listProducts(em(), { perPage: 100 }));
    await add(45);
    const many = await queriesFor(() => listProducts(em(), { perPage: 100 }));
    expect(many).toBe(few);
    expect(few).toBeLessThanOrEqual(2);
    const cursorFew = await queriesFor(() => listProductsByCursor(em(), { first: 5 }));
    const cursorMany = await queriesFor(() => listProductsByCursor(em(), { first: 50 }));
    expect(cursorMany).toBe(cursorFew);
  });

  it('lists users with profile and roles in a constant number of queries', async () => {
    await createRole(em(), 'customer');
    const add = async (from: number, count: number) => {
      const users = await createUsers(
        em(),
        Array.from({ length: count }, (_, i) => ({ username: `u${from + i}`, email: `u${from + i}@example.com` })),
      );
      for (const u of users) {
        await upsertProfile(em(), u.id, { firstName: 'F' });
        await assignRole(em(), u.id, 'customer');
      }
    };
    await add(0, 3);
    const few = await queriesFor(() => listUsers(em(), { perPage: 100 }));
    await add(3, 27);
    const many = await queriesFor(() => listUsers(em(), { perPage: 100 }));
    expect(many).toBe(few);
    const page = await listUsers(em(), { perPage: 100 });
    expect(page.items.every((u) => u.profile?.firstName === 'F' && u.roles[0] === 'customer')).toBe(true);
  });
});
