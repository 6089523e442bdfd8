// Products: CRUD, filtered/ordered listing with page or cursor (keyset) pagination, category eager-loaded.

import { NotFoundError } from '../../domain/errors.ts';
import { moneyColumns } from '../../domain/limits.ts';
import { formatMoney, parseMoney } from '../../domain/money.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { refuseNul } from '../../driver/text-guard.ts';
import { Category, type IProduct, Product, type ProductMetadata } from '../../entities/index.ts';
import { foundOrFail } from '../not-found.ts';
import { unitOfWork } from '../unit-of-work.ts';
import { type ProductView, productRowMapper, selectProducts } from './reads.ts';

export * from './reads.ts';

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

/**
 * Refuses what the column would round (PostgreSQL) or store as is (SQLite): money is never altered. The
 * sign is left to the CHECK constraint (price >= 0), so a negative price fails there on every dialect.
 */
const requirePrice = (price: string) => parseMoney(price, moneyColumns.price, 'price', { signed: true });

export async function createProduct(em: EntityManager, input: NewProduct): Promise<ProductView> {
  requirePrice(input.price);
  return unitOfWork(em, async (tx) => {
    const product = tx.create(Product, {
      name: input.name.trim(),
      description: input.description ?? null,
      price: input.price,
      inStock: input.inStock ?? true,
      category: await tx.findOneOrFail(Category, { id: input.categoryId }),
      metadata: input.metadata ?? null,
    });
    await tx.flush();
    return toProductView(product);
  });
}

/** Bulk insert in one transaction (seeding, imports): all rows or none. Returns how many were created. */
export async function createProducts(em: EntityManager, inputs: NewProduct[]): Promise<number> {
  for (const input of inputs) requirePrice(input.price);
  return unitOfWork(em, async (tx) => {
    const now = new Date();
    if (inputs.length === 0) return 0;
    const categoryIds = [...new Set(inputs.map((input) => input.categoryId))];
    const known = await tx.count(Category, { id: { $in: categoryIds } });
    if (known !== categoryIds.length) throw new NotFoundError('category', categoryIds.join(','));
    const rows = inputs.map((input) => ({
      name: input.name.trim(),
      description: input.description ?? null,
      price: input.price,
      inStock: input.inStock ?? true,
      category: input.categoryId,
      metadata: input.metadata ?? null,
      createdAt: now,
      updatedAt: now,
    }));
    // A native bulk insert: no flush, so the NUL check the flush applies is applied here.
    for (const row of rows) refuseNul(row);
    await tx.insertMany(Product, rows);
    return inputs.length;
  });
}

export async function getProduct(em: EntityManager, id: number): Promise<ProductView> {
  const row = foundOrFail(await selectProducts(em).where('p.id', '=', id).executeTakeFirst(), 'product', id);
  return productRowMapper(em)(row);
}

export type ProductPatch = Partial<NewProduct>;

export async function updateProduct(em: EntityManager, id: number, patch: ProductPatch): Promise<ProductView> {
  if (patch.price !== undefined) requirePrice(patch.price);
  return unitOfWork(em, async (tx) => {
    const product = await tx.findOneOrFail(Product, { id }, { populate: ['category'] });
    if (patch.name !== undefined) product.name = patch.name.trim();
    if (patch.description !== undefined) product.description = patch.description;
    if (patch.price !== undefined) product.price = patch.price;
    if (patch.inStock !== undefined) product.inStock = patch.inStock;
    if (patch.metadata !== undefined) product.metadata = patch.metadata;
    if (patch.categoryId !== undefined) product.category = await tx.findOneOrFail(Category, { id: patch.categoryId });
    await tx.flush();
    return toProductView(product);
  });
}

export async function deleteProduct(em: EntityManager, id: number): Promise<void> {
  foundOrFail(await unitOfWork(em, (tx) => tx.nativeDelete(Product, { id })), 'product', id);
}
