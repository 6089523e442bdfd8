// Product reads: by id, filtered/ordered pages by number, summaries, count (keyset pages: cursor.ts). Each is
// one query selecting only the view's columns with the category's name, mapped by the one mapper of the view.
import type { Kysely } from 'kysely';
import { NotFoundError } from '../../domain/errors.ts';
import { dialectOf, type EntityManager } from '../../driver/orm.ts';
import { preparedQuery } from '../../driver/prepared-query.ts';
import { kysely, type RowOf, rowDecoder, type ShopDB } from '../../driver/sql.ts';
import type { ProductMetadata } from '../../entities/index.ts';
import { foundOrFail } from '../not-found.ts';
import {
  cappedCount,
  countLimit,
  countRows,
  MAX_PER_PAGE,
  type Page,
  type PageRequest,
  pageTotal,
  pageWindow,
  toPage,
} from '../pagination.ts';
import {
  type FilterValues,
  filterValues,
  ORDER_COLUMN,
  type ProductFilters,
  type ProductOrder,
  productFilter,
} from './filters.ts';

export type { ProductFilters, ProductOrder, ProductOrderField } from './filters.ts';

export interface ProductView {
  id: number;
  name: string;
  description: string | null;
  price: string;
  /** Units left to sell; `inStock` is `stock > 0`. */
  stock: number;
  inStock: boolean;
  category: { id: number; name: string };
  metadata: ProductMetadata | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The columns of a ProductView: the product's own, and its category's name looked up by primary key for each
 * row returned. Not a join: MariaDB's optimizer read the few categories first and sorted every matching
 * product in a temporary table (page 1 of 1M products: 1.9 s instead of under 10 ms); with the lookup every
 * dialect reads products in index order and stops at the page's last row (test/db/query-plans.test.ts).
 */
export const selectProducts = (em: EntityManager) => productColumns(kysely(em));

const productColumns = (db: Kysely<ShopDB>) =>
  db
    .selectFrom('products as p')
    .select((eb) => [
      'p.id',
      'p.name',
      'p.description',
      'p.price',
      'p.stock',
      'p.in_stock',
      'p.category_id',
      eb
        .selectFrom('categories as c')
        .select('c.name')
        .whereRef('c.id', '=', 'p.category_id')
        .$asScalar()
        .$notNull()
        .as('category_name'),
      'p.metadata',
      'p.created_at',
      'p.updated_at',
    ]);

type ProductRow = RowOf<typeof selectProducts>;

export function productRowMapper(em: EntityManager): (row: ProductRow) => ProductView {
  const decode = rowDecoder(em);
  return (row) => ({
    id: row.id,
    name: row.name,
    description: row.description ?? null,
    price: decode.money(row.price),
    stock: Number(row.stock),
    inStock: decode.bool(row.in_stock),
    category: { id: row.category_id, name: row.category_name },
    metadata: decode.json<ProductMetadata>(row.metadata),
    createdAt: decode.date(row.created_at),
    updatedAt: decode.date(row.updated_at),
  });
}

export async function getProduct(em: EntityManager, id: number): Promise<ProductView> {
  const [row] = await productsByIds(em, { ids: [id] }, null);
  return productRowMapper(em)(foundOrFail(row, 'product', id));
}

/**
 * Several products by id in one statement (the calls of a batched request: see the API's products.byId),
 * in the order of `ids`: each a view, or the NotFoundError `getProduct` would throw for it.
 */
export async function getProducts(em: EntityManager, ids: readonly number[]): Promise<(ProductView | NotFoundError)[]> {
  const rows = await productsByIds(em, { ids: [...new Set(ids)] }, null);
  const toView = productRowMapper(em);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => {
    const row = byId.get(id);
    return row ? toView(row) : new NotFoundError('product', id);
  });
}

// Built once per number of ids (up to a batch's size): the SQL of a product by id is the same on every call.
const productsByIds = preparedQuery((db, { ids }: { ids: number[] }) => productColumns(db).where('p.id', 'in', ids));

export async function listProducts(
  em: EntityManager,
  request: ProductFilters & ProductOrder & PageRequest = {},
): Promise<Page<ProductView>> {
  const window = pageWindow(request);
  const filters = filterValues(em, request);
  const { orderBy = 'name', direction = 'asc' } = request;
  const rows = await productPage(
    em,
    { ...filters, countUpTo: countLimit(window), limit: window.limit, offset: window.offset },
    { orderBy, direction, idsFirst: window.offset >= IDS_FIRST_FROM_OFFSET && dialectOf(em) !== 'sqlite' },
  );
  const count = () => matchingCount(kysely(em), filters, countLimit(window));
  return toPage(rows.map(productRowMapper(em)), await pageTotal(rows, count, window), window);
}

const matchingCount = (db: Kysely<ShopDB>, filters: FilterValues, limit: number) =>
  cappedCount(db, db.selectFrom('products as p').select('p.id').where(productFilter(filters)), limit);

/**
 * One statement: the page, its category names, and the (capped) total as an uncorrelated scalar subquery,
 * which both databases evaluate once. Prepared: built once per set of filters, ordering and `idsFirst`.
 *
 * `idsFirst` (PostgreSQL and MariaDB, a page that skips IDS_FIRST_FROM_OFFSET rows or more): the page's ids
 * come first, from a derived table that reads only the ordering's index, and the full rows and category names
 * are read for those ids alone (a deferred join). With the full rows under the OFFSET, PostgreSQL read every
 * skipped row and looked up its category, and MariaDB, from an offset of 100 on, sorted the whole table
 * instead of reading the index; test/db/deep-pages.test.ts. One query at a time on 10k products, before →
 * ids first, µs:
 *
 * | offset     | 40        | 100         | 200         | 1,000       | 4,980         |
 * |------------|-----------|-------------|-------------|-------------|---------------|
 * | PostgreSQL | 440 → 500 | 490 → 480   | 630 → 520   | 1,360 → 560 | 5,590 → 930   |
 * | MariaDB    | 480 → 670 | 2,950 → 610 | 3,130 → 630 | 4,020 → 750 | 8,000 → 1,560 |
 *
 * Shallower pages keep the plain statement (the derived table's rows are sorted again, which MariaDB pays
 * for), as does the first page, which sorts nothing (test/db/query-plans.test.ts). SQLite keeps it on every
 * page: it skips OFFSET rows in the index before it reads a row or a category (offset 4,980: 232 µs), and it
 * planned the derived table as a probe of every product (495 µs; at offset 40, 390 against 64 µs).
 */
const IDS_FIRST_FROM_OFFSET = 100;

const productPage = preparedQuery(
  (
    db,
    { countUpTo, limit, offset, ...filters }: FilterValues & { countUpTo: number; limit: number; offset: number },
    { orderBy, direction, idsFirst }: Required<ProductOrder> & { idsFirst: boolean },
  ) => {
    const column = ORDER_COLUMN[orderBy];
    const page = productColumns(db).select(matchingCount(db, filters, countUpTo).as('total'));
    if (!idsFirst) {
      return page
        .where(productFilter(filters))
        .orderBy(column, direction)
        .orderBy('p.id', direction)
        .limit(limit)
        .offset(offset);
    }
    const pageIds = db
      .selectFrom('products as p')
      .select('p.id')
      .where(productFilter(filters))
      .orderBy(column, direction)
      .orderBy('p.id', direction)
      .limit(limit)
      .offset(offset);
    return page.innerJoin(pageIds.as('page'), 'page.id', 'p.id').orderBy(column, direction).orderBy('p.id', direction);
  },
);

/** Partial field selection: just id, name and price (for pickers and autocompletes). */
export async function productSummaries(em: EntityManager, filters: ProductFilters = {}, limit = 50) {
  const filter = productFilter(filterValues(em, filters));
  const decode = rowDecoder(em);
  const rows = await kysely(em)
    .selectFrom('products as p')
    .select(['p.id', 'p.name', 'p.price'])
    .where(filter)
    .orderBy('p.name', 'asc')
    .orderBy('p.id', 'asc')
    .limit(Math.min(limit, MAX_PER_PAGE))
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, price: decode.money(row.price) }));
}

export const countProducts = (em: EntityManager) => countRows(em, 'products');
