// Reads the calls of one HTTP request share. A batched request (httpBatchLink: up to maxBatchSize calls in one
// GET) of products.byId would run one statement per call; its calls are resolved together here, in one
// statement by id (DataLoader collects the ids asked for in the same tick). Each call still validates its
// input, passes its middlewares, and answers the same view, or the same NotFound, as on its own.
import { type EntityManager, getProducts, type ProductView } from '@shop/db';
import DataLoader from 'dataloader';
import type { Context } from './init.ts';

/** Created on a request's first use, kept in its context (`ctx.loaders`), gone with the request. */
export interface Loaders {
  products?: DataLoader<number, ProductView>;
}

/** `ctx.em`: where the calling procedure reads (products.byId, a replicaReadProcedure: catalogReader's choice). */
export function productById(ctx: Context & { em: EntityManager }, id: number): Promise<ProductView> {
  // A NotFoundError in the batch function's answer rejects that call's load only (DataLoader's contract).
  // The first call's EntityManager reads for the whole batch: every call of a request reads in the same place.
  const { em } = ctx;
  ctx.loaders.products ??= new DataLoader<number, ProductView>((ids) => getProducts(em, ids));
  return ctx.loaders.products.load(id);
}
