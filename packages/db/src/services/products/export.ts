// Large data: every product, in bounded memory (keyset batches by id, rows mapped straight to views: no
// entity ever enters the identity map).
import type { Writable } from 'node:stream';
import type { EntityManager } from '../../driver/orm.ts';
import { type ProductView, productRowMapper, selectProducts } from './reads.ts';

/** Yields every product in id order, `batchSize` rows per query; memory stays flat whatever the row count. */
export async function* iterateProducts(em: EntityManager, batchSize = 1000): AsyncGenerator<ProductView> {
  const toView = productRowMapper(em);
  let lastId = 0;
  for (;;) {
    const batch = await selectProducts(em).where('p.id', '>', lastId).orderBy('p.id', 'asc').limit(batchSize).execute();
    for (const row of batch) yield toView(row);
    const last = batch.at(-1);
    if (!last || batch.length < batchSize) return;
    lastId = last.id;
  }
}

/** Writes one JSON object per line, honouring backpressure; returns the number of rows. */
export async function exportProductsNdjson(
  em: EntityManager,
  out: Writable,
  onProgress?: (count: number) => void,
): Promise<number> {
  let count = 0;
  for await (const product of iterateProducts(em)) {
    if (!out.write(`${JSON.stringify(product)}\n`)) await new Promise((resolve) => out.once('drain', resolve));
    count += 1;
    if (count % 50_000 === 0) onProgress?.(count);
  }
  return count;
}
