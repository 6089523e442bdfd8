// Products: CRUD, filtered/ordered listing with page or cursor (keyset) pagination, category eager-loaded.
import { Cursor, type FilterQuery } from '@mikro-orm/core';
import { Category, type IProduct, Product, type ProductMetadata } from '../entities/index.ts';
import { InvalidError, NotFoundError, translateErrors } from '../errors.ts';
import { formatMoney } from '../money.ts';
import type { EntityManager } from '../orm.ts';
import { MAX_PER_PAGE, type Page, type PageRequest, pageWindow, toPage } from './pagination.ts';
import { containsIgnoringCase } from './text-search.ts';

export interface ProductView {
  id: number;
  name: string;
  description: string | null;
  price: string;
  inStock: boolean;
  category: { id: number; name: string };
  metadata: ProductMetadata | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toProductView(product: IProduct): ProductView {
  return {
    id: product.id,
    name: product.name,
    description: product.description ?? null,
    price: formatMoney(product.price),
    inStock: product.inStock,
    category: { id: product.category.id, name: product.category.name },
    metadata: product.metadata ?? null,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
  };
}

export interface NewProduct {
  name: string;
  description?: string | null;
  /** Decimal string, at most 2 places, >= 0. */
  price: string;
  inStock?: boolean;
  categoryId: number;
  metadata?: ProductMetadata | null;
}

// NUMERIC(10,2): at most 8 digits before the point and 2 after. The sign is left to the CHECK constraint
// (price >= 0), so a negative price fails there, identically on both dialects.
const PRICE = /^-?\d{1,8}(\.\d{1,2})?$/;

/** Refuses what the column would round (PostgreSQL) or store as is (SQLite): money is never altered. */
function requirePrice(price: string): string {
  if (!PRICE.test(price))
    throw new InvalidError(`price "${price}" must be a decimal with at most 8 digits and 2 places`, 'price');
  return price;
}

async function requireCategory(em: EntityManager, id: number) {
  const category = await em.findOne(Category, { id });
  if (!category) throw new NotFoundError('category', id);
  return category;
}

export async function createProduct(em: EntityManager, input: NewProduct): Promise<ProductView> {
  requirePrice(input.price);
  return translateErrors(() =>
    em.transactional(async (tx) => {
      const product = tx.create(Product, {
        name: input.name.trim(),
        description: input.description ?? null,
        price: input.price,
        inStock: input.inStock ?? true,
        category: await requireCategory(tx, input.categoryId),
        metadata: input.metadata ?? null,
      });
      await tx.flush();
      return toProductView(product);
    }),
  );
}

/** Bulk insert in one transaction (seeding, imports): all rows or none. Returns how many were created. */
export async function createProducts(em: EntityManager, inputs: NewProduct[]): Promise<number> {
  for (const input of inputs) requirePrice(input.price);
  return translateErrors(() =>
    em.transactional(async (tx) => {
      const now = new Date();
      if (inputs.length === 0) return 0;
      const categoryIds = [...new Set(inputs.map((input) => input.categoryId))];
      const known = await tx.count(Category, { id: { $in: categoryIds } });
      if (known !== categoryIds.length) throw new NotFoundError('category', categoryIds.join(','));
      await tx.insertMany(
        Product,
        inputs.map((input) => ({
          name: input.name.trim(),
          description: input.description ?? null,
          price: input.price,
          inStock: input.inStock ?? true,
          category: input.categoryId,
          metadata: input.metadata ?? null,
          createdAt: now,
          updatedAt: now,
        })),
      );
      return inputs.length;
    }),
  );
}

export async function getProduct(em: EntityManager, id: number): Promise<ProductView> {
  const product = await em.findOne(Product, { id }, { populate: ['category'] });
  if (!product) throw new NotFoundError('product', id);
  return toProductView(product);
}

export type ProductPatch = Partial<NewProduct>;

export async function updateProduct(em: EntityManager, id: number, patch: ProductPatch): Promise<ProductView> {
  if (patch.price !== undefined) requirePrice(patch.price);
  return translateErrors(() =>
    em.transactional(async (tx) => {
      const product = await tx.findOne(Product, { id }, { populate: ['category'] });
      if (!product) throw new NotFoundError('product', id);
      if (patch.name !== undefined) product.name = patch.name.trim();
      if (patch.description !== undefined) product.description = patch.description;
      if (patch.price !== undefined) product.price = patch.price;
      if (patch.inStock !== undefined) product.inStock = patch.inStock;
      if (patch.metadata !== undefined) product.metadata = patch.metadata;
      if (patch.categoryId !== undefined) product.category = await requireCategory(tx, patch.categoryId);
      await tx.flush();
      return toProductView(product);
    }),
  );
}

export async function deleteProduct(em: EntityManager, id: number): Promise<void> {
  const deleted = await em.transactional((tx) => tx.nativeDelete(Product, { id }));
  if (deleted === 0) throw new NotFoundError('product', id);
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

function productWhere(filters: ProductFilters): FilterQuery<IProduct> {
  const and: FilterQuery<IProduct>[] = [];
  if (filters.categoryId !== undefined) and.push({ category: filters.categoryId });
  if (filters.minPrice !== undefined) and.push({ price: { $gte: filters.minPrice } });
  if (filters.maxPrice !== undefined) and.push({ price: { $lte: filters.maxPrice } });
  if (filters.inStock !== undefined) and.push({ inStock: filters.inStock });
  if (filters.nameContains)
    and.push({ [containsIgnoringCase('name', filters.nameContains)]: [] } as FilterQuery<IProduct>);
  return and.length ? { $and: and } : {};
}

// The id tie-break makes the order total, so pages never repeat or skip rows with equal sort keys.
const productOrder = ({ orderBy = 'name', direction = 'asc' }: ProductOrder) =>
  ({ [orderBy]: direction, id: direction }) as { [K in ProductOrderField | 'id']?: 'asc' | 'desc' };

export async function listProducts(
  em: EntityManager,
  request: ProductFilters & ProductOrder & PageRequest = {},
): Promise<Page<ProductView>> {
  const window = pageWindow(request);
  // The category comes in the same query (a join), so a page costs one select plus one count, whatever its size.
  const [products, total] = await em.findAndCount(Product, productWhere(request), {
    populate: ['category'],
    orderBy: productOrder(request),
    limit: window.limit,
    offset: window.offset,
  });
  return toPage(products.map(toProductView), total, window);
}

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
  // A cursor encodes the sort key values of the last row seen: one per ordered column.
  if (request.after && !isCursorFor(request.after, request.orderBy ?? 'name')) {
    throw new InvalidError('cursor is malformed; pass the nextCursor of the previous page', 'after');
  }
  const cursor = await em.findByCursor(Product, {
    where: productWhere(request),
    populate: ['category'],
    orderBy: productOrder(request),
    first,
    ...(request.after ? { after: request.after } : {}),
    includeCount: false,
  });
  return {
    items: cursor.items.map(toProductView),
    nextCursor: cursor.hasNextPage ? cursor.endCursor : null,
    hasNext: cursor.hasNextPage,
  };
}

// The cursor's values go into the keyset WHERE clause: each must have the type of its column (a forged
// cursor must not reach the database as an operator object, nor as text the column type cannot parse).
const cursorKey: Record<ProductOrderField, (value: unknown) => boolean> = {
  name: (value) => typeof value === 'string',
  price: (value) =>
    (typeof value === 'string' && /^\d{1,8}(\.\d{1,2})?$/.test(value)) ||
    (typeof value === 'number' && Number.isFinite(value) && value >= 0),
  createdAt: (value) =>
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)),
};

/** A cursor from listProductsByCursor with this ordering: [sort key, id]. */
function isCursorFor(encoded: string, orderBy: ProductOrderField): boolean {
  try {
    const values = Cursor.decode(encoded);
    return (
      Array.isArray(values) &&
      values.length === 2 &&
      cursorKey[orderBy](values[0]) &&
      Number.isSafeInteger(values[1]) &&
      (values[1] as number) > 0
    );
  } catch {
    return false;
  }
}

/** Partial field selection: just id, name and price (for pickers and autocompletes). */
export async function productSummaries(em: EntityManager, filters: ProductFilters = {}, limit = 50) {
  const rows = await em.find(Product, productWhere(filters), {
    fields: ['id', 'name', 'price'],
    orderBy: { name: 'asc', id: 'asc' },
    limit: Math.min(limit, MAX_PER_PAGE),
  });
  return rows.map((p) => ({ id: p.id, name: p.name, price: formatMoney(p.price) }));
}

export const countProducts = (em: EntityManager) => em.count(Product);
export const countCategories = (em: EntityManager) => em.count(Category);
