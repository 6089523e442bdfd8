// Products: CRUD, filtered/ordered listing with page or cursor (keyset) pagination, category eager-loaded.
import { Category, type IProduct, Product, type ProductMetadata } from '../entities/index.ts';
import { InvalidError, NotFoundError, translateErrors } from '../errors.ts';
import { formatMoney } from '../money.ts';
import type { EntityManager } from '../orm.ts';
import { type ProductView, productRowMapper, selectProducts } from './product-reads.ts';

export * from './product-reads.ts';

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
  const row = await selectProducts(em).where('p.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('product', id);
  return productRowMapper(em)(row);
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
