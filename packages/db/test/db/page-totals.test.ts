// Page totals past EXACT_TOTAL_UP_TO: a lower bound flagged inexact, hasNext still exact, one statement a page.
import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { createCategory } from '../../src/services/categories/writes.ts';
import { EXACT_TOTAL_UP_TO } from '../../src/services/pagination.ts';
import { listProducts } from '../../src/services/products/reads.ts';
import { createProducts } from '../../src/services/products/writes.ts';

const { em, db } = useTestDatabase();

const ROWS = EXACT_TOTAL_UP_TO + 250;

async function fill() {
  const category = await createCategory(em(), 'Bulk');
  await createProducts(
    em(),
    Array.from({ length: ROWS }, (_, i) => ({
      name: `P${String(i).padStart(5, '0')}`,
      price: '1.00',
      categoryId: category.id,
      stock: i % 5 !== 0 ? 1 : 0,
    })),
  );
}

describe('page totals', () => {
  it('are exact up to the limit and a lower bound past it', async () => {
    await fill();
    const first = await listProducts(em(), { perPage: 20 });
    expect(first).toMatchObject({
      total: EXACT_TOTAL_UP_TO + 1,
      totalIsExact: false,
      page: 1,
      hasNext: true,
      hasPrev: false,
    });
    expect(first.items.map((p) => p.name)).toEqual(
      Array.from({ length: 20 }, (_, i) => `P${String(i).padStart(5, '0')}`),
    );
    // Filtered below the limit: exact (every fifth product is out of stock).
    const outOfStock = await listProducts(em(), { inStock: false, perPage: 100 });
    expect(outOfStock).toMatchObject({ total: ROWS / 5, totalIsExact: true, pages: 3, hasNext: true });
  });

  it('count as far as a deep page reaches, so hasNext and the last page stay exact', async () => {
    await fill();
    const deep = await listProducts(em(), { page: 60, perPage: 20 }); // rows 1180..1199 of 1250
    expect(deep).toMatchObject({ total: 1201, totalIsExact: false, hasNext: true, hasPrev: true });
    expect(deep.items[0]?.name).toBe('P01180');
    const last = await listProducts(em(), { page: 63, perPage: 20 }); // rows 1240..1249
    expect(last).toMatchObject({ total: ROWS, totalIsExact: true, pages: 63, hasNext: false });
    expect(last.items).toHaveLength(10);
    const beyond = await listProducts(em(), { page: 70, perPage: 20 });
    expect(beyond).toMatchObject({ items: [], total: ROWS, totalIsExact: true, pages: 63, hasNext: false });
  });

  it('cost one statement a page: rows, category names and the total together', async () => {
    await fill();
    const before = db().queries.length;
    const page = await listProducts(em(), { perPage: 20, orderBy: 'price', direction: 'desc' });
    const statements = db().queries.slice(before);
    expect(page.items).toHaveLength(20);
    expect(page.items[0]?.category.name).toBe('Bulk');
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/count\(\*\)/i);
    expect(statements[0]).toMatch(/\(select [^)]*categories[^)]*\) as .category_name./i);
  });
});
