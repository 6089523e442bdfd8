import {
  createProduct,
  createProducts,
  deleteProduct,
  findNul,
  listProducts,
  listProductsByCursor,
  MAX_CURSOR_LENGTH,
  MAX_JSON_DEPTH,
  MAX_PER_PAGE,
  productSummaries,
  textLimits,
  updateProduct,
} from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure, replicaReadProcedure } from '../init.ts';
import { PROTOTYPE_KEYS } from '../input-decoder.ts';
import { productById } from '../loaders.ts';
import { rest } from '../rest-meta.ts';
import { id, idInput, jsonValue, longText, MAX_BATCH, name, pageInput, price, text } from '../schemas.ts';
import { deleted, pageOf, productCursorPage, productView } from '../views.ts';

// Metadata is free-form JSON, with three things refused on the way in, each with its path: NUL characters (as
// every text column refuses them), keys that name an object's prototype (superjson, the wire format, would
// never serialize them back), and nesting deeper than MAX_JSON_DEPTH (MariaDB's JSON check refuses 32 levels;
// the limit is the same on every dialect).
const refuseWireKey = (key: string) =>
  PROTOTYPE_KEYS.has(key) ? `the key "${key}" is not allowed in metadata` : undefined;
const metadata = z.record(z.string(), jsonValue).superRefine((value, ctx) => {
  const problem = findNul(value, { refuseKey: refuseWireKey, maxDepth: MAX_JSON_DEPTH });
  if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
});
/** The INTEGER column's ceiling, rounded down to something a person would type. */
const MAX_STOCK = 1_000_000_000;

const newProduct = z.object({
  name: name(textLimits.productName),
  description: longText.nullable().optional(),
  price,
  stock: z
    .int()
    .min(0)
    .max(MAX_STOCK)
    .optional()
    .meta({ description: 'units to sell (default 0); inStock follows it' }),
  categoryId: id,
  metadata: metadata.nullable().optional(),
});

const filters = z.object({
  categoryId: id.optional(),
  minPrice: price.optional(),
  maxPrice: price.optional(),
  inStock: z.boolean().optional(),
  nameContains: name(textLimits.productName).optional(),
  orderBy: z.enum(['name', 'price', 'createdAt']).default('name'),
  direction: z.enum(['asc', 'desc']).default('asc'),
});

export const productsRouter = {
  list: replicaReadProcedure
    .meta(rest('GET', '/products', 'Products: filters, order, a page at a time', { protect: false }))
    .output(pageOf(productView))
    .input(filters.extend(pageInput.shape))
    .query(({ ctx, input }) => listProducts(ctx.em, input)),
  /** Keyset pagination for deep pages: pass the previous page's nextCursor as `after`. */
  cursorList: replicaReadProcedure
    .meta(rest('GET', '/products/cursor', 'Products by keyset cursor (deep pages)', { protect: false }))
    .output(productCursorPage)
    .input(
      filters.extend({
        first: z.int().min(1).max(MAX_PER_PAGE).default(20),
        after: text().max(MAX_CURSOR_LENGTH).nullish(),
      }),
    )
    .query(({ ctx, input }) => listProductsByCursor(ctx.em, input)),
  summaries: replicaReadProcedure
    .meta(rest('GET', '/products/summaries', 'Id, name and price only', { protect: false }))
    .output(z.array(productView.pick({ id: true, name: true, price: true })))
    .input(
      filters
        .pick({ categoryId: true, nameContains: true, inStock: true })
        .extend({ limit: z.int().min(1).max(MAX_PER_PAGE).default(50) }),
    )
    .query(({ ctx, input: { limit, ...f } }) => productSummaries(ctx.em, f, limit)),
  byId: replicaReadProcedure
    .meta(rest('GET', '/products/{id}', 'A product', { protect: false }))
    .output(productView)
    .input(idInput)
    // The calls of a batched request share one statement (loaders.ts).
    .query(({ ctx, input }) => productById(ctx, input.id)),
  create: adminProcedure
    .meta(rest('POST', '/products', 'Create a product', { status: 201, location: '/products/{id}' }))
    .output(productView)
    .input(newProduct)
    .mutation(({ ctx, input }) => createProduct(ctx.em, input)),
  bulkCreate: adminProcedure
    .meta(rest('POST', '/products/bulk', 'Create products, all or none', { status: 201 }))
    .output(z.object({ created: z.int() }))
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
    .meta(rest('PATCH', '/products/{id}', 'Change some fields of a product', { body: 'patch' }))
    .output(productView)
    .input(z.object({ id, patch: newProduct.partial().refine((p) => Object.keys(p).length > 0, 'nothing to update') }))
    .mutation(({ ctx, input }) => updateProduct(ctx.em, input.id, input.patch)),
  delete: adminProcedure
    .meta(rest('DELETE', '/products/{id}', 'Delete a product', { status: 204 }))
    .output(deleted('id'))
    .input(idInput)
    .mutation(async ({ ctx, input }) => {
      await deleteProduct(ctx.em, input.id);
      return { id: input.id, deleted: true as const };
    }),
} satisfies TRPCRouterRecord;
