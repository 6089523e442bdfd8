import {
  createProduct,
  createProducts,
  deleteProduct,
  getProduct,
  listProducts,
  listProductsByCursor,
  MAX_PER_PAGE,
  productSummaries,
  updateProduct,
} from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { id, idInput, MAX_BATCH, pageInput, price } from '../schemas.ts';
import { adminProcedure, dbProcedure } from '../trpc.ts';
import { SUPERJSON_REFUSED_KEYS } from '../wire-format.ts';

// superjson, the wire format, refuses to serialize objects with SUPERJSON_REFUSED_KEYS (its prototype-pollution
// guard), so a product stored with one could never be read back: they are refused on the way in, with their
// path. (zod drops `__proto__` keys as it copies; fastify's JSON parser already refuses them in bodies.)
function reservedKeyPath(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = reservedKeyPath(item, [...path, index]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (SUPERJSON_REFUSED_KEYS.has(key)) return [...path, key];
      const found = reservedKeyPath((value as Record<string, unknown>)[key], [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

const metadata = z.record(z.string(), z.json()).superRefine((value, ctx) => {
  const path = reservedKeyPath(value);
  if (path)
    ctx.addIssue({ code: 'custom', path, message: `the key "${String(path.at(-1))}" is not allowed in metadata` });
});
const newProduct = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(10_000).nullable().optional(),
  price,
  inStock: z.boolean().optional(),
  categoryId: id,
  metadata: metadata.nullable().optional(),
});

const filters = z.object({
  categoryId: id.optional(),
  minPrice: price.optional(),
  maxPrice: price.optional(),
  inStock: z.boolean().optional(),
  nameContains: z.string().trim().min(1).max(100).optional(),
  orderBy: z.enum(['name', 'price', 'createdAt']).default('name'),
  direction: z.enum(['asc', 'desc']).default('asc'),
});

export const productsRouter = {
  list: dbProcedure.input(filters.extend(pageInput.shape)).query(({ ctx, input }) => listProducts(ctx.em, input)),
  /** Keyset pagination for deep pages: pass the previous page's nextCursor as `after`. */
  cursorList: dbProcedure
    .input(
      filters.extend({
        first: z.int().min(1).max(MAX_PER_PAGE).default(20),
        after: z.string().max(1000).nullish(),
      }),
    )
    .query(({ ctx, input }) => listProductsByCursor(ctx.em, input)),
  summaries: dbProcedure
    .input(
      filters
        .pick({ categoryId: true, nameContains: true, inStock: true })
        .extend({ limit: z.int().min(1).max(MAX_PER_PAGE).default(50) }),
    )
    .query(({ ctx, input: { limit, ...f } }) => productSummaries(ctx.em, f, limit)),
  byId: dbProcedure.input(idInput).query(({ ctx, input }) => getProduct(ctx.em, input.id)),
  create: adminProcedure.input(newProduct).mutation(({ ctx, input }) => createProduct(ctx.em, input)),
  bulkCreate: adminProcedure
    .input(
      z.object({
        products: z
          .array(newProduct)
          .min(1)
          .max(MAX_BATCH * 10),
      }),
    )
    .mutation(async ({ ctx, input }) => ({ created: await createProducts(ctx.em, input.products) })),
  update: adminProcedure
    .input(z.object({ id, patch: newProduct.partial().refine((p) => Object.keys(p).length > 0, 'nothing to update') }))
    .mutation(({ ctx, input }) => updateProduct(ctx.em, input.id, input.patch)),
  delete: adminProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    await deleteProduct(ctx.em, input.id);
    return { id: input.id, deleted: true as const };
  }),
} satisfies TRPCRouterRecord;
