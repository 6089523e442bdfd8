// The product list's filters and orderings: what a caller may ask for, its query parameters, and the WHERE
// clause and ORDER BY column they give on the alias `p`. Shared by the pages, the cursor pages and summaries.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { EntityManager } from '../../driver/orm.ts';
import { paramEncoder, type ShopDB } from '../../driver/sql.ts';
import { containsPattern, lowerLike } from '../../driver/text-search.ts';

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

export type ProductScope = ShopDB & { p: ShopDB['products'] };

/** The filters' query parameters, present only for the filters given. */
export interface FilterValues {
  categoryId?: number;
  minPrice?: unknown;
  maxPrice?: unknown;
  inStock?: unknown;
  namePattern?: string;
}

export function filterValues(em: EntityManager, filters: ProductFilters): FilterValues {
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
export function productFilter(values: FilterValues) {
  const terms: ((eb: ExpressionBuilder<ProductScope, 'p'>) => Expression<SqlBool>)[] = [];
  const { categoryId, minPrice, maxPrice, inStock, namePattern } = values;
  if (categoryId !== undefined) terms.push((eb) => eb('p.category_id', '=', categoryId));
  if (minPrice !== undefined) terms.push((eb) => eb('p.price', '>=', minPrice as string));
  if (maxPrice !== undefined) terms.push((eb) => eb('p.price', '<=', maxPrice as string));
  if (inStock !== undefined) terms.push((eb) => eb('p.in_stock', '=', inStock as boolean));
  if (namePattern !== undefined) terms.push(() => lowerLike('p.name', namePattern));
  return (eb: ExpressionBuilder<ProductScope, 'p'>) => eb.and(terms.map((term) => term(eb)));
}

export const ORDER_COLUMN = { name: 'p.name', price: 'p.price', createdAt: 'p.created_at' } as const;
