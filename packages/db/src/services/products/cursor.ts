// Keyset (cursor) pages of products: the cost of a page does not grow with its depth, and rows inserted
// before the cursor do not shift the pages after it.
import { Cursor } from '@mikro-orm/core';
import type { ExpressionBuilder } from 'kysely';
import { InvalidError } from '../../domain/errors.ts';
import { MAX_CURSOR_LENGTH, MAX_ID, moneyColumns } from '../../domain/limits.ts';
import { moneyPattern } from '../../domain/money.ts';
import { dialectOf, type EntityManager } from '../../driver/orm.ts';
import { paramEncoder } from '../../driver/sql.ts';
import { MAX_PER_PAGE } from '../pagination.ts';
import {
  filterValues,
  ORDER_COLUMN,
  type ProductFilters,
  type ProductOrder,
  type ProductOrderField,
  type ProductScope,
  productFilter,
} from './filters.ts';
import { type ProductView, productRowMapper, selectProducts } from './reads.ts';

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
