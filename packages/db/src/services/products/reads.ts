// Product reads: by id, filtered/ordered pages (page number or keyset cursor), summaries, count. Each is one
// query selecting only the view's columns with the category's name, mapped by the one mapper of the view.
import { Cursor } from '@mikro-orm/core';
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import { InvalidError, NotFoundError } from '../../domain/errors.ts';
import { MAX_CURSOR_LENGTH, MAX_ID, moneyColumns } from '../../domain/limits.ts';
import { moneyPattern } from '../../domain/money.ts';
import { dialectOf, type EntityManager } from '../../driver/orm.ts';
import { preparedQuery } from '../../driver/prepared-query.ts';
import { kysely, paramEncoder, type RowOf, rowDecoder, type ShopDB } from '../../driver/sql.ts';
import { containsPattern, lowerLike } from '../../driver/text-search.ts';
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

export interface ProductFilters {
  categoryId?: number;
  minPrice?: string;
  maxPrice?: string;
  inStock?: boolean;
  /** Case-insensitive "contains" on the name; % and _ match literally. */
  nameContains?: string;
}

export type ProductOrderField = 'name' | 'price' | 'createdAt';
export interface ProductOrder {
  orderBy?: ProductOrderField;
  direction?: 'asc' | 'desc';
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

type ProductScope = ShopDB & { p: ShopDB['products'] };

/** The filters' query parameters, present only for the filters given. */
interface FilterValues {
  categoryId?: number;
  minPrice?: unknown;
  maxPrice?: unknown;
  inStock?: unknown;
  namePattern?: string;
}

function filterValues(em: EntityManager, filters: ProductFilters): FilterValues {
  const param = paramEncoder(em);
  const { categoryId, minPrice, maxPrice, inStock, nameContains } = filters;
  const values: FilterValues = {};
  if (categoryId !== undefined) values.categoryId = categoryId;
  // Parameters take each dialect's stored form (SQLite: REAL for NUMERIC, 0/1 for booleans).
  if (minPrice !== undefined) values.minPrice = param.money(minPrice);
  if (maxPrice !== undefined) values.maxPrice = param.money(maxPrice);
  if (inStock !== undefined) values.inStock = param.bool(inStock);
  if (nameContains) values.namePattern = containsPattern(nameContains);
  return values;
}

/**
 * The WHERE clause on the alias `p` for the filters present in `values` (`1 = 1` when nothing is filtered:
 * planners drop it). Only their presence shapes it: the values are bound (a prepared query's placeholders).
 */
function productFilter(values: FilterValues) {
  const terms: ((eb: ExpressionBuilder<ProductScope, 'p'>) => Expression<SqlBool>)[] = [];
  const { categoryId, minPrice, maxPrice, inStock, namePattern } = values;
  if (categoryId !== undefined) terms.push((eb) => eb('p.category_id', '=', categoryId));
  if (minPrice !== undefined) terms.push((eb) => eb('p.price', '>=', minPrice as string));
  if (maxPrice !== undefined) terms.push((eb) => eb('p.price', '<=', maxPrice as string));
  if (inStock !== undefined) terms.push((eb) => eb('p.in_stock', '=', inStock as boolean));
  if (namePattern !== undefined) terms.push(() => lowerLike('p.name', namePattern));
  return (eb: ExpressionBuilder<ProductScope, 'p'>) => eb.and(terms.map((term) => term(eb)));
}

const ORDER_COLUMN = { name: 'p.name', price: 'p.price', createdAt: 'p.created_at' } as const;

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
    { orderBy, direction },
  );
  const count = () => matchingCount(kysely(em), filters, countLimit(window));
  return toPage(rows.map(productRowMapper(em)), await pageTotal(rows, count, window), window);
}

const matchingCount = (db: Kysely<ShopDB>, filters: FilterValues, limit: number) =>
  cappedCount(db, db.selectFrom('products as p').select('p.id').where(productFilter(filters)), limit);

/**
 * One statement: the page, its category names, and the (capped) total as an uncorrelated scalar subquery,
 * which both databases evaluate once. Prepared: built once per set of filters and ordering.
 */
const productPage = preparedQuery(
  (
    db,
    { countUpTo, limit, offset, ...filters }: FilterValues & { countUpTo: number; limit: number; offset: number },
    { orderBy, direction }: Required<ProductOrder>,
  ) =>
    productColumns(db)
      .select(matchingCount(db, filters, countUpTo).as('total'))
      .where(productFilter(filters))
      .orderBy(ORDER_COLUMN[orderBy], direction)
      .orderBy('p.id', direction)
      .limit(limit)
      .offset(offset),
);

export interface ProductCursorPage {
  items: ProductView[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
  hasNext: boolean;
}

/** Keyset pagination: cost independent of depth (no OFFSET scan), stable under inserts. */
export async function listProductsByCursor(
  em: EntityManager,
  request: ProductFilters & ProductOrder & { first?: number; after?: string | null } = {},
): Promise<ProductCursorPage> {
  const first = Math.min(Math.max(Math.trunc(request.first ?? 20), 1), MAX_PER_PAGE);
  const { orderBy = 'name', direction = 'asc' } = request;
  const after = request.after ? decodeCursor(em, request.after, orderBy) : undefined;
  const filter = productFilter(filterValues(em, request));
  const column = ORDER_COLUMN[orderBy];
  // (key, id) > (last key, last id): a row-value comparison SQLite and PostgreSQL answer from the (key, id)
  // index. MariaDB does not use an index for row values (it scanned: 117 req/s against 528 for page 1), so
  // there it is spelled key >= k AND (key > k OR id > i), a range on the same index.
  const operator = direction === 'asc' ? '>' : '<';
  const rowValues = dialectOf(em) !== 'mariadb';
  const keyset = (eb: ExpressionBuilder<ProductScope, 'p'>, [key, id]: [unknown, number]) =>
    rowValues
      ? eb(eb.refTuple(column, 'p.id'), operator, eb.tuple(key as never, id))
      : eb.and([
          eb(column, operator === '>' ? '>=' : '<=', key as never),
          eb.or([eb(column, operator, key as never), eb('p.id', operator, id)]),
        ]);
  const rows = await selectProducts(em)
    .where((eb) => (after ? eb.and([filter(eb), keyset(eb, after)]) : filter(eb)))
    .orderBy(column, direction)
    .orderBy('p.id', direction)
    .limit(first + 1)
    .execute();
  const items = rows.slice(0, first).map(productRowMapper(em));
  const last = items.at(-1);
  const hasNext = rows.length > first && last !== undefined;
  return { items, nextCursor: hasNext ? Cursor.encode([cursorKey[orderBy](last), last.id]) : null, hasNext };
}

// A cursor holds the sort key and id of the last row seen, as JSON: [key, id].
const cursorKey: Record<ProductOrderField, (view: ProductView) => unknown> = {
  name: (view) => view.name,
  price: (view) => view.price,
  createdAt: (view) => view.createdAt,
};

// The cursor's values go into the keyset WHERE clause: each must have the type of its column (a forged
// cursor must not reach the database as an operator object, nor as text the column type cannot parse).
const isCursorKey: Record<ProductOrderField, (value: unknown) => boolean> = {
  name: (value) => typeof value === 'string' && value.length <= MAX_CURSOR_LENGTH && !value.includes('\u0000'),
  price: (value) =>
    (typeof value === 'string' && moneyPattern(moneyColumns.price).test(value)) ||
    (typeof value === 'number' && Number.isFinite(value) && value >= 0),
  createdAt: (value) =>
    typeof value === 'string' && /^[12]\d{3}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)),
};

/** [sort key as a query parameter, id] of a cursor made by listProductsByCursor with this ordering. */
function decodeCursor(em: EntityManager, encoded: string, orderBy: ProductOrderField): [unknown, number] {
  let values: unknown;
  try {
    values = Cursor.decode(encoded);
  } catch {
    values = null;
  }
  if (
    !Array.isArray(values) ||
    values.length !== 2 ||
    !isCursorKey[orderBy](values[0]) ||
    !Number.isSafeInteger(values[1]) ||
    (values[1] as number) <= 0 ||
    (values[1] as number) > MAX_ID
  ) {
    throw new InvalidError('cursor is malformed; pass the nextCursor of the previous page', 'after');
  }
  const [key, id] = values as [string | number, number];
  if (orderBy === 'createdAt') return [paramEncoder(em).date(new Date(key)), id];
  if (orderBy === 'price') return [paramEncoder(em).money(String(key)), id];
  return [key, id];
}

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
