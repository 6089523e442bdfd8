// Reads the calls of one HTTP request share. A batched request (httpBatchLink: up to maxBatchSize calls in one
// GET) of products.byId would run one statement per call; its calls are resolved together here, in one
// statement by id (DataLoader collects the ids asked for in the same tick). Each call still validates its
// input, passes its middlewares, and answers the same view, or the same NotFound, as on its own.
import { getProducts, type ProductView } from '@shop/db';
import DataLoader from 'dataloader';
import { type Context, catalogReader } from './init.ts';

/** Created on a request's first use, kept in its context (`ctx.loaders`), gone with the request. */
export interface Loaders {
  products?: DataLoader<number, ProductView>;
}

export function productById(ctx: Context, id: number): Promise<ProductView> {
  // A NotFoundError in the batch function's answer rejects that call's load only (DataLoader's contract).
  // Read where the procedure's own reads go (a replica, unless this caller just wrote): products.byId is a
  // replicaReadProcedure.
  ctx.loaders.products ??= new DataLoader<number, ProductView>((ids) => getProducts(catalogReader(ctx), ids));
  return ctx.loaders.products.load(id);
}
