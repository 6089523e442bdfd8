// Page-number pagination in the shape of Flask-SQLAlchemy's paginate(error_out=False), with totals that
// stay cheap on large tables: rows are counted exactly up to a limit, past it `total` is a lower bound.
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { EntityManager } from '../driver/orm.ts';
import { kysely, type ShopDB } from '../driver/sql.ts';

export interface PageRequest {
  page?: number;
  perPage?: number;
}

export interface Page<T> {
  items: T[];
  /** Matching rows; a lower bound ("at least") when `totalIsExact` is false. */
  total: number;
  /** False when more than `EXACT_TOTAL_UP_TO` rows (or more than this page reaches) match. */
  totalIsExact: boolean;
  page: number;
  perPage: number;
  /** Pages of `total`; when the total is not exact, more pages may follow (`hasNext` says so). */
  pages: number;
  hasNext: boolean;
  hasPrev: boolean;
}

export const MAX_PER_PAGE = 100;

/**
 * Totals are counted exactly up to this many rows (and always far enough to know whether the requested
 * page has a successor). Counting every row of a million-row table on each page costs more than the page.
 */
export const EXACT_TOTAL_UP_TO = 1000;

export interface PageWindow {
  page: number;
  perPage: number;
  offset: number;
  limit: number;
}

/** Clamps the request to sane bounds; a page past the end yields empty items, never an error. */
export function pageWindow({ page = 1, perPage = 20 }: PageRequest): PageWindow {
  const size = Math.min(Math.max(Math.trunc(perPage), 1), MAX_PER_PAGE);
  const number = Math.max(Math.trunc(page), 1);
  return { page: number, perPage: size, offset: (number - 1) * size, limit: size };
}

/** How many matching rows a page counts at most: one more than it needs to call the total exact. */
export const countLimit = (window: PageWindow) => Math.max(EXACT_TOTAL_UP_TO, window.offset + window.limit) + 1;

// biome-ignore lint/suspicious/noExplicitAny: any tables, any selection: only the row count is read.
type AnySelect = SelectQueryBuilder<any, any, any>;

/**
 * `select count(*) as total from (<matching> limit N)`: stops reading after N rows. Usable on its own or
 * as an uncorrelated scalar subquery beside the page's rows (evaluated once by both databases).
 */
export function cappedCount(db: Kysely<ShopDB>, matching: AnySelect, limit: number) {
  return db.selectFrom(matching.limit(limit).as('matching')).select(sql<number | string>`count(*)`.as('total'));
}

/**
 * The page's total: carried by its rows (the `cappedCount` subquery selected as `total`), or, for a page
 * past the end, which has no row to carry it, counted on its own. count(*) is text on PostgreSQL.
 */
export async function pageTotal(
  rows: readonly { total: number | string | null }[],
  count: () => ReturnType<typeof cappedCount>,
  window: PageWindow,
): Promise<number> {
  const carried = rows[0]?.total;
  if (carried !== undefined && carried !== null) return Number(carried);
  return window.offset === 0 ? 0 : Number((await count().executeTakeFirstOrThrow()).total);
}

/** `counted` comes from `cappedCount` (or an exact count); it decides whether the total is exact. */
export function toPage<T>(items: T[], counted: number, window: PageWindow): Page<T> {
  const total = Number(counted);
  const totalIsExact = total < countLimit(window);
  const pages = Math.ceil(total / window.perPage);
  return {
    items,
    total,
    totalIsExact,
    page: window.page,
    perPage: window.perPage,
    pages,
    hasNext: window.page < pages,
    hasPrev: window.page > 1,
  };
}

/** Every row of `table`, counted exactly (the admin's totals; count(*) is a bigint, text, on PostgreSQL). */
export async function countRows(em: EntityManager, table: keyof ShopDB): Promise<number> {
  const row = await kysely(em)
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
