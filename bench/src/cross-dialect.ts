// PostgreSQL and MariaDB against SQLite, in one sitting: a fresh database and an API (API_WORKERS=1) per
// dialect, all up at once, and products.byId, page 1 and page 3 on each, alternated in slices (ABCCBA).
// The main tables measure each dialect minutes apart, and this machine's speed moves by up to 40 % between
// runs minutes apart (health.live, no database at all, at 77 % of an earlier run for a whole dialect's
// part); the ratio across dialects is read here, where drift lands on every dialect alike.
import type { Dialect } from '@shop/db';
import { startApiChild } from './api-child.ts';
import { addProducts, type BenchDatabase, createBenchDatabase, fillBase, settle } from './database.ts';
import { interleavedSlices, type LoadOptions, loadInterleaved } from './load.ts';
import type { CrossDialectRun } from './results.ts';
import { TWIN_KEYS, twinReads } from './workloads.ts';

type Say = (line: string) => void;

/** Measured when SQLite and at least one server dialect are in the run; undefined otherwise. */
export async function benchCrossDialect(
  dialects: readonly Dialect[],
  options: LoadOptions & { products: number },
  say: Say,
): Promise<CrossDialectRun | undefined> {
  if (!dialects.includes('sqlite') || dialects.length < 2) return undefined;
  const ordered: Dialect[] = ['sqlite', ...dialects.filter((d) => d !== 'sqlite')];
  const databases: BenchDatabase[] = [];
  const apis: Awaited<ReturnType<typeof startApiChild>>[] = [];
  try {
    for (const dialect of ordered) {
      say(`across dialects: ${dialect}, ${options.products} products`);
      const db = await createBenchDatabase(dialect);
      databases.push(db);
      await fillBase(db, { users: 0, accounts: 0 });
      await addProducts(db, options.products);
      await settle(db, dialect);
      apis.push(await startApiChild({ databaseUrl: db.url, workers: 1 }));
    }
    const twins = twinReads(options.products);
    const rows: CrossDialectRun['rows'] = [];
    for (const key of TWIN_KEYS) {
      say(`across dialects: ${key} on ${ordered.join(', ')}, alternating`);
      const parts = apis.map((api) => ({ base: api.origin, next: twins[key].next }));
      const results = await loadInterleaved(parts, options, interleavedSlices(options.seconds));
      rows.push(
        ...results.map((result, index) => ({
          key,
          label: twins[key].label,
          calls: 1,
          dialect: ordered[index] as Dialect,
          ...result,
        })),
      );
    }
    return { products: options.products, rows };
  } finally {
    for (const api of apis) await api.stop();
    for (const db of databases) await db.drop();
  }
}
