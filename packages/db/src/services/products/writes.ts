// Products: create (one or in bulk), change, delete; each one unit of work, answering through getProduct.
import { InvalidError, NotFoundError } from '../../domain/errors.ts';
import { moneyColumns } from '../../domain/limits.ts';
import { parseMoney } from '../../domain/money.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { refuseNul } from '../../driver/text-guard.ts';
import { Category, Product, type ProductMetadata } from '../../entities/index.ts';
import { deleteOrNotFound, unitOfWork } from '../unit-of-work.ts';
import { getProduct, type ProductView } from './reads.ts';

export interface NewProduct {
  name: string;
  description?: string | null;
  /** Decimal string, at most 2 places, >= 0. */
  price: string;
  /** Units that can be sold (default 0); `inStock` follows from it (stock > 0). */
  stock?: number;
  categoryId: number;
  metadata?: ProductMetadata | null;
}

/**
 * Refuses what the column would round (PostgreSQL) or store as is (SQLite): money is never altered. The
 * sign is left to the CHECK constraint (price >= 0), so a negative price fails there on every dialect.
 */
const requirePrice = (price: string) => parseMoney(price, moneyColumns.price, 'price', { signed: true });

/** The count and the tutorial's flag together, so they never disagree (the CHECK would refuse it anyway). */
function stockOf(stock: number) {
  if (!Number.isSafeInteger(stock) || stock < 0)
    throw new InvalidError('stock must be a whole number, 0 or more', 'stock');
  return { stock, inStock: stock > 0 };
}

export async function createProduct(em: EntityManager, input: NewProduct): Promise<ProductView> {
  requirePrice(input.price);
  return unitOfWork(em, async (tx) => {
    const product = tx.create(Product, {
      name: input.name.trim(),
      description: input.description ?? null,
      price: input.price,
      ...stockOf(input.stock ?? 0),
      category: await tx.findOneOrFail(Category, { id: input.categoryId }),
      metadata: input.metadata ?? null,
    });
    await tx.flush();
    return getProduct(tx, product.id);
  });
}

/** Bulk insert in one transaction (seeding, imports): all rows or none. Returns how many were created. */
export async function createProducts(em: EntityManager, inputs: NewProduct[]): Promise<number> {
  for (const input of inputs) {
    requirePrice(input.price);
    stockOf(input.stock ?? 0);
  }
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
      ...stockOf(input.stock ?? 0),
      category: input.categoryId,
      metadata: input.metadata ?? null,
      createdAt: now,
      updatedAt: now,
    }));
    // A native bulk insert: no flush, so the NUL and depth checks the flush applies are applied here.
    for (const row of rows) refuseNul(row, JSON_PROPERTIES);
    await tx.insertMany(Product, rows);
    return inputs.length;
  });
}

const JSON_PROPERTIES: ReadonlySet<string> = new Set(['metadata']);

export type ProductPatch = Partial<NewProduct>;

export async function updateProduct(em: EntityManager, id: number, patch: ProductPatch): Promise<ProductView> {
  if (patch.price !== undefined) requirePrice(patch.price);
  return unitOfWork(em, async (tx) => {
    const product = await tx.findOneOrFail(Product, { id });
    if (patch.name !== undefined) product.name = patch.name.trim();
    if (patch.description !== undefined) product.description = patch.description;
    if (patch.price !== undefined) product.price = patch.price;
    if (patch.stock !== undefined) Object.assign(product, stockOf(patch.stock));
    if (patch.metadata !== undefined) product.metadata = patch.metadata;
    if (patch.categoryId !== undefined) product.category = await tx.findOneOrFail(Category, { id: patch.categoryId });
    await tx.flush();
    return getProduct(tx, id);
  });
}

export async function deleteProduct(em: EntityManager, id: number): Promise<void> {
  await deleteOrNotFound(em, Product, { id }, 'product', id);
}
