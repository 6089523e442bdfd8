// Everything the bench measures on one dialect: the workloads on the API (API_WORKERS=1) beside the raw
// baseline, the API with more workers, an optional CPU profile, the scale comparison, export and seeding.
import { Cursor } from '@mikro-orm/core';
import { createShopClient } from '@shop/client';
import { seedShop } from '@shop/client/seed';
import { createProduct, type Dialect, listProducts } from '@shop/db';
import { processTree, startApiChild } from './api-child.ts';
import { checkBatch, checkNoOversell, checkRestTwin, checkSameAnswer } from './checks.ts';
import { ADMIN, addProducts, type BenchDatabase, createBenchDatabase, fillBase, settle } from './database.ts';
import {
  interleavedSlices,
  type LoadOptions,
  type LoadRequest,
  type LoadResult,
  load,
  loadInterleaved,
  loadSideBySide,
  query,
} from './load.ts';
import { measureExport, startBaseline } from './processes.ts';
import { profileWorkload } from './profile.ts';
import type { DialectResults, Row } from './results.ts';
import {
  BASELINE_KEYS,
  BATCH,
  BATCH_SIZE,
  BY_ID,
  buildWorkloads,
  byIdOver,
  FIRST_PAGE,
  MIX,
  MIX_PARTS,
  pageOver,
  TABLE_KEYS,
  WORKER_KEYS,
  type Workload,
  workload,
} from './workloads.ts';

export interface BenchOptions {
  products: number;
  scaleTo: number;
  users: number;
  accounts: number;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  seedProducts: number;
  /** API_WORKERS values measured besides the main run's 1. */
  workers: number[];
  /** Workload to run under --cpu-prof, if any. */
  profile?: string;
  /** Prefix of the profile's file: `profile` for full runs (committed), `quick-profile` for --quick (ignored). */
  profilePrefix: string;
}

type Say = (line: string) => void;
type Run = (key: string, origin: string, options?: LoadOptions) => Promise<Row>;

/** A cursor for the page starting at `offset` in name order: the keys of the row just before it. */
async function cursorAt(db: BenchDatabase, offset: number): Promise<string> {
  const page = await listProducts(db.orm.em.fork(), { orderBy: 'name', page: offset / 20, perPage: 20 });
  const last = page.items.at(-1);
  if (!last) throw new Error(`no product at offset ${offset}`);
  return Cursor.encode([last.name, last.id]);
}

const adminToken = async (url: string) =>
  (await createShopClient({ url }).auth.login.mutate({ identifier: ADMIN.username, password: ADMIN.password })).token;

/** Runs a workload by name (the mix: its parts side by side) and labels the result as a row. */
function runner(workloads: Map<string, Workload>, token: string, defaults: LoadOptions): Run {
  const auth = { authorization: `Bearer ${token}` };
  return async (key, origin, options = defaults) => {
    if (key === MIX) {
      const parts = MIX_PARTS.map((k) => workload(workloads, k).next);
      const result = await loadSideBySide(origin, parts, { ...options, headers: auth });
      return { key, label: 'mix (byId + list + search + transfer, side by side)', calls: 1, ...result };
    }
    const w = workload(workloads, key);
    const result = await load(origin, w.next, { ...options, headers: w.auth ? auth : {} });
    return { key, label: w.label, calls: w.calls, ...result };
  };
}

/** A workload over /trpc and its REST twin over /api, alternated in slices; its row and the twin's. */
function twinRunner(workloads: Map<string, Workload>, options: LoadOptions) {
  return async (key: string, origin: string): Promise<[Row, Row]> => {
    const w = workload(workloads, key);
    if (!w.rest || w.auth) throw new Error(`${key} has no public REST twin`);
    const slices = interleavedSlices(options.seconds);
    const [trpc, rest] = (await loadInterleaved(
      [
        { base: origin, next: w.next },
        { base: origin, next: w.rest.next },
      ],
      options,
      slices,
    )) as [LoadResult, LoadResult];
    return [
      { key, label: w.label, calls: w.calls, ...trpc },
      { key, label: w.rest.label, calls: w.calls, ...rest },
    ];
  };
}

export async function benchDialect(dialect: Dialect, options: BenchOptions, say: Say): Promise<DialectResults> {
  say(`${dialect}: preparing ${options.products} products, ${options.users} users, ${options.accounts} accounts`);
  const results: DialectResults = {
    dialect,
    products: options.products,
    api: [],
    baseline: [],
    workers: [],
    scaleRows: [],
    checks: [],
  };
  const db = await createBenchDatabase(dialect);
  try {
    await measure(db, dialect, options, say, results);
  } finally {
    await db.drop();
  }
  results.seedThroughClient = await seedThroughClient(dialect, options.seedProducts, say);
  return results;
}

async function measure(db: BenchDatabase, dialect: Dialect, options: BenchOptions, say: Say, results: DialectResults) {
  const { accountIds, buyerAccountId } = await fillBase(db, options);
  await addProducts(db, options.products);
  await settle(db, dialect);
  const deepPage = Math.max(2, Math.floor(options.products / 20 / 2));
  const deepCursor = await cursorAt(db, (deepPage - 1) * 20);
  const workloads = buildWorkloads({ products: options.products, accountIds, buyerAccountId, deepPage, deepCursor });
  const loadOptions: LoadOptions = {
    connections: options.connections,
    seconds: options.seconds,
    warmupSeconds: options.warmupSeconds,
  };
  const start = (workers: number) => startApiChild({ databaseUrl: db.url, workers });

  const api = await start(1);
  const token = await adminToken(api.url).catch(async (error) => {
    await api.stop();
    throw error;
  });
  const run = runner(workloads, token, loadOptions);
  const runTwins = twinRunner(workloads, loadOptions);
  try {
    results.checks.push(
      await checkBatch(api.origin, workload(workloads, BATCH).next(), BATCH_SIZE),
      await checkRestTwin(BY_ID, api.origin, byIdOver.trpc(1), byIdOver.rest(1)),
      await checkRestTwin(`${FIRST_PAGE} page 1`, api.origin, pageOver.trpc(1), pageOver.rest(1)),
      await checkRestTwin(`${FIRST_PAGE} page 3`, api.origin, pageOver.trpc(3), pageOver.rest(3)),
    );
    // A workload with a REST twin is measured with it in alternating slices (loadInterleaved): one pass
    // each, back to back, put whatever disturbed the machine meanwhile on one transport only.
    const restRows: Row[] = [];
    results.rest = restRows;
    for (const key of [...TABLE_KEYS, MIX, BATCH]) {
      if (workloads.get(key)?.rest) {
        say(`${dialect}: ${key} and its /api twin, alternating`);
        const [row, twin] = await runTwins(key, api.origin);
        results.api.push(row);
        restRows.push(twin);
        continue;
      }
      say(`${dialect}: ${key}`);
      const row = await run(key, api.origin);
      if (key === BATCH) results.batch = row;
      else results.api.push(row);
    }
    say(`${dialect}: oversell check`);
    const scarce = await createProduct(db.orm.em.fork(), {
      name: 'Scarce item',
      price: '19.99',
      stock: 50,
      categoryId: db.categoryIds[0] as number,
    });
    results.checks.push(
      await checkNoOversell({
        origin: api.origin,
        token,
        db: db.orm.em.getConnection(),
        productId: scarce.id,
        price: scarce.price,
        stock: 50,
        accountId: buyerAccountId,
        requests: 400,
        connections: options.connections,
      }),
    );
    results.workers.push({
      workers: 1,
      processes: processTree(api.pid),
      rows: results.api.filter((r) => (WORKER_KEYS as readonly string[]).includes(r.key)),
    });

    say(`${dialect}: raw baseline`);
    const baseline = await startBaseline(db.url);
    const rawOrigin = baseline.url.replace(/\/trpc$/, '');
    try {
      results.checks.push(
        await checkSameAnswer('products.byId', api.origin, rawOrigin, byIdOver.trpc(1)),
        await checkSameAnswer('products.list page 1', api.origin, rawOrigin, pageOver.trpc(1)),
        await checkSameAnswer('products.list page 3', api.origin, rawOrigin, pageOver.trpc(3)),
      );
      for (const key of BASELINE_KEYS) results.baseline.push(await run(key, rawOrigin));
    } finally {
      await baseline.stop();
    }
  } finally {
    await api.stop();
  }

  for (const workers of options.workers.filter((n) => n !== 1)) {
    say(`${dialect}: API_WORKERS=${workers}`);
    const child = await start(workers);
    try {
      const rows: Row[] = [];
      for (const key of WORKER_KEYS) rows.push(await run(key, child.origin));
      results.workers.push({ workers, processes: processTree(child.pid), rows });
    } finally {
      await child.stop();
    }
  }

  if (options.profile) {
    const key = options.profile;
    say(`${dialect}: CPU profile of ${key}`);
    const { markdown, ...profile } = await profileWorkload({
      dialect,
      databaseUrl: db.url,
      products: options.products,
      workload: key,
      filePrefix: options.profilePrefix,
      label: key === MIX ? 'mix' : workload(workloads, key).label,
      options: loadOptions,
      drive: (origin, o) => run(key, origin, o),
    });
    results.profile = profile;
    console.log(`${markdown}\n`);
    say(`wrote ${profile.file}`);
  }

  if (options.scaleTo > options.products) await measureScale(db, dialect, { ...options, ...loadOptions }, say, results);
}

async function measureScale(
  db: BenchDatabase,
  dialect: Dialect,
  options: BenchOptions & LoadOptions,
  say: Say,
  results: DialectResults,
) {
  say(`${dialect}: scale ${options.products} → ${options.scaleTo}: first page and a deep cursor page`);
  const api = await startApiChild({ databaseUrl: db.url, workers: 1 });
  try {
    const p50 = async (label: string, request: LoadRequest) => {
      const row = { key: `scale:${label}`, label, calls: 1, ...(await load(api.origin, () => request, options)) };
      results.scaleRows.push(row);
      return row.p50Ms;
    };
    // The deep cursor page sits halfway through the table at both sizes.
    const measureAt = async (size: number) =>
      [
        await p50(`products.list page 1 at ${size}`, query('products.list', {})),
        await p50(
          `products.cursorList halfway at ${size}`,
          query('products.cursorList', { after: await cursorAt(db, Math.floor(size / 40) * 20) }),
        ),
      ] as const;
    const small = await measureAt(options.products);
    say(`${dialect}: growing to ${options.scaleTo} products`);
    await addProducts(db, options.scaleTo, (n) => n % 100_000 === 0 && say(`${dialect}: ${n} products`));
    await settle(db, dialect);
    const large = await measureAt(options.scaleTo);
    results.scale = {
      small: options.products,
      large: options.scaleTo,
      firstPageP50: [small[0], large[0]],
      cursorP50: [small[1], large[1]],
    };
  } finally {
    await api.stop();
  }
  say(`${dialect}: export of ${options.scaleTo} products`);
  results.exportRun = await measureExport(db.url);
}

async function seedThroughClient(dialect: Dialect, products: number, say: Say) {
  say(`${dialect}: seeding ${products} products through the client`);
  const db = await createBenchDatabase(dialect);
  try {
    await fillBase(db, { users: 0, accounts: 0 });
    const api = await startApiChild({ databaseUrl: db.url, workers: 1 });
    try {
      const client = createShopClient({ url: api.url, token: await adminToken(api.url) });
      const started = performance.now();
      await seedShop(client, { users: 0, products, accounts: 0, transfers: 0, seed: 1 });
      return { products, seconds: (performance.now() - started) / 1000 };
    } finally {
      await api.stop();
    }
  } finally {
    await db.drop();
  }
}
