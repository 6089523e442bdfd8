// `pnpm bench [-- --quick]`: the API against a raw driver baseline, at scale, on SQLite and PostgreSQL.
// Writes bench/results/latest.json and latest.md. Numbers are reported, never asserted.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Cursor } from '@mikro-orm/core';
import { createShopClient } from '@shop/client';
import { seedShop } from '@shop/client/seed';
import { type Dialect, listProducts } from '@shop/db';
import { ADMIN, addProducts, type BenchDatabase, createBenchDatabase, fillBase } from './database.ts';
import { type LoadRequest, type LoadResult, load, mutation, query } from './load.ts';
import { measureExport, startApiProcess, startBaseline } from './processes.ts';
import { type BenchResults, type DialectResults, toMarkdown } from './report.ts';

const HELP = `usage: pnpm bench [-- options]

  --quick             small and short (2k/20k products, 2 s per workload): under 3 minutes
  --products N        products for the workloads (default 10000)
  --scale-to N        grow to N products for the scale comparison (default 1000000; 0 skips it)
  --users N           users (default 1000)      --accounts N   accounts (default 100)
  --connections N     concurrent connections (default 32)
  --seconds N         duration of each workload (default 10)
  --seed-products N   products seeded through the client, timed (default 100000)
  --dialects LIST     sqlite,postgresql (default both)`;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    products: { type: 'string' },
    'scale-to': { type: 'string' },
    users: { type: 'string' },
    accounts: { type: 'string' },
    connections: { type: 'string', default: '32' },
    seconds: { type: 'string' },
    'seed-products': { type: 'string' },
    dialects: { type: 'string', default: 'sqlite,postgresql' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const quick = values.quick;
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
const options = {
  products: num(values.products, quick ? 2_000 : 10_000),
  scaleTo: num(values['scale-to'], quick ? 20_000 : 1_000_000),
  users: num(values.users, quick ? 200 : 1_000),
  accounts: num(values.accounts, 100),
  connections: num(values.connections, 32),
  seconds: num(values.seconds, quick ? 2 : 10),
  seedProducts: num(values['seed-products'], quick ? 5_000 : 100_000),
  dialects: values.dialects.split(',') as Dialect[],
};
const say = (line: string) => console.error(`[bench] ${line}`);

function randomInt(max: number) {
  return 1 + Math.floor(Math.random() * max);
}

/** A cursor for the page starting at `offset` in name order: the keys of the row just before it. */
async function cursorAt(db: BenchDatabase, offset: number): Promise<string> {
  const page = await listProducts(db.orm.em.fork(), { orderBy: 'name', page: offset / 20, perPage: 20 });
  const last = page.items.at(-1);
  if (!last) throw new Error(`no product at offset ${offset}`);
  return Cursor.encode([last.name, last.id]);
}

async function benchDialect(dialect: Dialect): Promise<DialectResults> {
  say(`${dialect}: preparing ${options.products} products, ${options.users} users, ${options.accounts} accounts`);
  const db = await createBenchDatabase(dialect);
  const { accountIds } = await fillBase(db, options);
  await addProducts(db, options.products);
  const api = await startApiProcess(db.url);
  const baseline = await startBaseline(db.url);
  const origin = (url: string) => url.replace(/\/trpc$/, '');
  const anonymous = createShopClient({ url: api.url });
  const { token } = await anonymous.auth.login.mutate({ identifier: ADMIN.username, password: ADMIN.password });
  const run = (url: string, next: () => LoadRequest, auth = false): Promise<LoadResult> =>
    load(origin(url), next, {
      connections: options.connections,
      seconds: options.seconds,
      headers: auth ? { authorization: `Bearer ${token}` } : {},
    });

  const deepPage = Math.max(2, Math.floor(options.products / 20 / 2));
  const deepCursor = await cursorAt(db, (deepPage - 1) * 20);
  let serial = 0;
  const account = () => accountIds[Math.floor(Math.random() * accountIds.length)] as number;
  const byId = () => query('products.byId', { id: randomInt(options.products) });
  const firstPage = () => query('products.list', {});
  const search = () => query('users.search', { username: `ch${randomInt(99)}` });
  const transfer = () => {
    const from = account();
    let to = account();
    if (to === from) to = accountIds[(accountIds.indexOf(from) + 1) % accountIds.length] as number;
    return mutation('accounts.transfer', { fromAccountId: from, toAccountId: to, amount: '0.01' });
  };
  const workloads: Record<string, [() => LoadRequest, boolean]> = {
    'products.byId': [byId, false],
    'products.list (page 1, with category)': [firstPage, false],
    [`products.list (offset page ${deepPage})`]: [() => query('products.list', { page: deepPage }), false],
    [`products.cursorList (same depth)`]: [() => query('products.cursorList', { after: deepCursor }), false],
    'users.search': [search, true],
    'users.create': [
      () =>
        mutation('users.create', {
          username: `load${process.pid}x${++serial}`,
          email: `load${serial}x${process.pid}@example.com`,
        }),
      true,
    ],
    'accounts.transfer': [transfer, true],
  };
  const results: DialectResults = { dialect, products: options.products, workloads: {}, baseline: {} };
  for (const [name, [next, auth]] of Object.entries(workloads)) {
    say(`${dialect}: ${name}`);
    results.workloads[name] = await run(api.url, next, auth);
  }
  // The mix runs the four kinds side by side, a quarter of the connections each: autocannon stalls when
  // one connection alternates GET and POST (a tool artefact: real clients mixing them on one socket don't).
  say(`${dialect}: mix`);
  const parts = await Promise.all(
    [byId, firstPage, search, transfer].map((next) =>
      load(origin(api.url), next, {
        connections: Math.max(1, Math.round(options.connections / 4)),
        seconds: options.seconds,
        headers: { authorization: `Bearer ${token}` },
      }),
    ),
  );
  results.workloads['mix (byId + list + search + transfer, side by side)'] = {
    requestsPerSecond: parts.reduce((sum, r) => sum + r.requestsPerSecond, 0),
    p50Ms: Math.max(...parts.map((r) => r.p50Ms)),
    p99Ms: Math.max(...parts.map((r) => r.p99Ms)),
    non2xx: parts.reduce((sum, r) => sum + r.non2xx, 0),
    errors: parts.reduce((sum, r) => sum + r.errors, 0),
    requests: parts.reduce((sum, r) => sum + r.requests, 0),
  };
  say(`${dialect}: raw baseline`);
  results.baseline['products.byId'] = await run(baseline.url, byId);
  results.baseline['products.list (page 1, with category)'] = await run(baseline.url, firstPage);
  await baseline.stop();

  if (options.scaleTo > options.products) {
    const p50 = async (next: () => LoadRequest) => (await run(api.url, next)).p50Ms;
    const small = [await p50(firstPage), await p50(() => query('products.cursorList', { after: deepCursor }))];
    say(`${dialect}: growing to ${options.scaleTo} products`);
    await addProducts(db, options.scaleTo, (n) => n % 100_000 === 0 && say(`${dialect}: ${n} products`));
    const largeCursor = await cursorAt(db, Math.floor(options.scaleTo / 40) * 20);
    const large = [await p50(firstPage), await p50(() => query('products.cursorList', { after: largeCursor }))];
    results.scale = {
      small: options.products,
      large: options.scaleTo,
      firstPageP50: [small[0] as number, large[0] as number],
      cursorP50: [small[1] as number, large[1] as number],
    };
    say(`${dialect}: export of ${options.scaleTo} products`);
    results.exportRun = await measureExport(db.url);
  }
  await api.stop();
  await db.drop();

  say(`${dialect}: seeding ${options.seedProducts} products through the client`);
  const seedDb = await createBenchDatabase(dialect);
  await fillBase(seedDb, { users: 0, accounts: 0 });
  const seedApi = await startApiProcess(seedDb.url);
  const session = await createShopClient({ url: seedApi.url }).auth.login.mutate({
    identifier: ADMIN.username,
    password: ADMIN.password,
  });
  const started = performance.now();
  await seedShop(createShopClient({ url: seedApi.url, token: session.token }), {
    users: 0,
    products: options.seedProducts,
    accounts: 0,
    transfers: 0,
    seed: 1,
  });
  results.seedThroughClient = { products: options.seedProducts, seconds: (performance.now() - started) / 1000 };
  await seedApi.stop();
  await seedDb.drop();
  return results;
}

const results: BenchResults = {
  date: new Date().toISOString(),
  machine: {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  },
  options: { ...options, quick },
  dialects: [],
};
for (const dialect of options.dialects) results.dialects.push(await benchDialect(dialect));
const markdown = toMarkdown(results);
const name = quick ? 'quick' : 'latest';
writeFileSync(new URL(`../results/${name}.json`, import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(new URL(`../results/${name}.md`, import.meta.url), `${markdown}\n`);
console.log(markdown);
say(`wrote bench/results/${name}.json and ${name}.md`);
