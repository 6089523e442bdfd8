// Category reads: by id, all, counts and per-category statistics; one statement each, rows mapped by the
// one mapper of each view (the writes answer through getCategory).
import { averageMoney } from '../../domain/money.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { kysely, moneySum, type RowOf, rowDecoder } from '../../driver/sql.ts';
import { foundOrFail } from '../not-found.ts';
import { countRows } from '../pagination.ts';

export interface CategoryView {
  id: number;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

const selectCategories = (em: EntityManager) =>
  kysely(em).selectFrom('categories').select(['id', 'name', 'created_at', 'updated_at']);

function categoryRowMapper(em: EntityManager): (row: RowOf<typeof selectCategories>) => CategoryView {
  const decode = rowDecoder(em);
  return (row) => ({
    id: row.id,
    name: row.name,
    createdAt: decode.date(row.created_at),
    updatedAt: decode.date(row.updated_at),
  });
}

export async function listCategories(em: EntityManager): Promise<CategoryView[]> {
  return (await selectCategories(em).orderBy('name', 'asc').execute()).map(categoryRowMapper(em));
}

export async function getCategory(em: EntityManager, id: number): Promise<CategoryView> {
  const row = foundOrFail(await selectCategories(em).where('id', '=', id).executeTakeFirst(), 'category', id);
  return categoryRowMapper(em)(row);
}

export const countCategories = (em: EntityManager) => countRows(em, 'categories');

export interface CategoryStat {
  categoryId: number;
  name: string;
  productCount: number;
  /** Money aggregates, exact to the cent on every dialect; null for a category without products. */
  minPrice: string | null;
  maxPrice: string | null;
  averagePrice: string | null;
}

/**
 * Product count and prices per category in one GROUP BY query; `minProducts` is the HAVING filter.
 * Categories without products count 0 (LEFT JOIN), so the default lists every category. The average is
 * the exact SQL total divided in cents (half up), identical on every dialect.
 */
export async function categoryStats(em: EntityManager, { minProducts = 0 } = {}): Promise<CategoryStat[]> {
  const rows = await kysely(em)
    .selectFrom('categories as c')
    .leftJoin('products as p', 'p.category_id', 'c.id')
    .select((eb) => [
      'c.id',
      'c.name',
      eb.fn.count<number | string>('p.id').as('product_count'),
      eb.fn.min('p.price').as('min_price'),
      eb.fn.max('p.price').as('max_price'),
      moneySum(eb.ref('p.price')).as('price_total'),
    ])
    .groupBy(['c.id', 'c.name'])
    .having((eb) => eb.fn.count('p.id'), '>=', minProducts)
    .orderBy('c.name', 'asc')
    .execute();
  const decode = rowDecoder(em);
  const moneyOrNull = (value: unknown) => (value === null || value === undefined ? null : decode.money(value));
  return rows.map((row) => {
    const productCount = Number(row.product_count); // count() is a bigint (text) on PostgreSQL
    const total = moneyOrNull(row.price_total);
    return {
      categoryId: row.id,
      name: row.name,
      productCount,
      minPrice: moneyOrNull(row.min_price),
      maxPrice: moneyOrNull(row.max_price),
      averagePrice: total === null ? null : averageMoney(total, productCount),
    };
  });
}
