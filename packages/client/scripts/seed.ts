// `npm run db:seed`: fills a running API with a deterministic sample shop through @shop/client (never the ORM).
// Idempotent and resumable: what already exists is kept, only the missing part is created, so a run stopped at
// any point (Ctrl-C) is completed by the next one.
import { parseArgs } from 'node:util';
import { createShopClient, isShopClientError, type ShopClient } from '../src/index.ts';
import { CATEGORIES, ROLES, random, seedProduct, seedUsers } from './dataset.ts';

export interface SeedOptions {
  users: number;
  products: number;
  accounts: number;
  transfers: number;
  seed: number;
  onProgress?: (line: string) => void;
}

export interface SeedReport {
  created: { roles: number; categories: number; users: number; products: number; accounts: number; transfers: number };
  elapsedMs: number;
}

// Products have no natural key, so the seed lays its products out in fixed chunks: chunk c holds products
// c × PRODUCTS_PER_CALL onwards, and each call creates the missing end of one chunk, all or nothing. Calls run
// CALLS_PER_ROUND at a time, over consecutive chunks, one round after the other. So however a run was stopped,
// each chunk holds a prefix of its products (its first one tells whether it holds any), and the chunks holding
// some lie before the first incomplete chunk or fewer than CALLS_PER_ROUND chunks after it: the next run finds
// them with a few dozen look-ups, whatever the count. (A seed product renamed or deleted since counts as missing.)
const PRODUCTS_PER_CALL = 500; // ~100 KB per call: a 4-call batch stays under the server's 1 MiB body limit
const CALLS_PER_ROUND = 4;

interface ExistingUser {
  id: number;
  roles: string[];
  hasProfile: boolean;
}

async function allUsers(client: ShopClient): Promise<Map<string, ExistingUser>> {
  const users = new Map<string, ExistingUser>();
  for (let page = 1; ; page++) {
    const result = await client.users.list.query({ page, perPage: 100 });
    for (const user of result.items) {
      users.set(user.username, { id: user.id, roles: user.roles, hasProfile: user.profile !== null });
    }
    if (!result.hasNext) return users;
  }
}

/** Whether the seed's product `index` is in the shop: a product with its name, category, price and SKU. */
async function seedProductExists(client: ShopClient, index: number, seed: number, categoryIds: number[]) {
  const wanted = seedProduct(index, seed, categoryIds);
  const { items } = await client.products.list.query({
    categoryId: wanted.categoryId,
    nameContains: wanted.name,
    minPrice: wanted.price,
    maxPrice: wanted.price,
    perPage: 100,
  });
  return items.some((p) => p.name === wanted.name && p.metadata?.sku === wanted.metadata.sku);
}

/**
 * The ranges of the seed's first `total` products that are missing, grouped in the rounds that create them:
 * first the incomplete chunks among the last CALLS_PER_ROUND that hold any (an interrupted round), then every
 * chunk after those, CALLS_PER_ROUND at a time.
 */
async function missingProducts(
  total: number,
  exists: (index: number) => Promise<boolean>,
): Promise<[number, number][][]> {
  const chunks = Math.ceil(total / PRODUCTS_PER_CALL);
  const range = (chunk: number): [number, number] => [
    chunk * PRODUCTS_PER_CALL,
    Math.min((chunk + 1) * PRODUCTS_PER_CALL, total),
  ];
  const holdsAny = (chunk: number) => exists(chunk * PRODUCTS_PER_CALL);
  const anyFrom = async (chunk: number) => {
    for (let c = chunk; c < Math.min(chunk + CALLS_PER_ROUND, chunks); c++) if (await holdsAny(c)) return true;
    return false;
  };
  // The first chunk after the last one that holds any: `anyFrom` is true before it and false from it on.
  let [low, high] = [0, chunks];
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (await anyFrom(middle)) low = middle + 1;
    else high = middle;
  }
  const interrupted: [number, number][] = [];
  for (let chunk = Math.max(0, low - CALLS_PER_ROUND); chunk < low; chunk++) {
    const [start, end] = range(chunk);
    // The chunk's products are a prefix of it: the first missing one by binary search.
    let [present, missing] = [start, end];
    if (await exists(end - 1)) present = end;
    while (present < missing) {
      const middle = Math.floor((present + missing) / 2);
      if (await exists(middle)) present = middle + 1;
      else missing = middle;
    }
    if (present < end) interrupted.push([present, end]);
  }
  const rounds = interrupted.length > 0 ? [interrupted] : [];
  for (let chunk = low; chunk < chunks; chunk += CALLS_PER_ROUND) {
    rounds.push(Array.from({ length: Math.min(CALLS_PER_ROUND, chunks - chunk) }, (_, k) => range(chunk + k)));
  }
  return rounds;
}

export async function seedShop(client: ShopClient, options: SeedOptions): Promise<SeedReport> {
  const started = performance.now();
  const say = options.onProgress ?? (() => {});
  const created = { roles: 0, categories: 0, users: 0, products: 0, accounts: 0, transfers: 0 };

  const roles = new Set((await client.roles.list.query()).map((r) => r.name));
  for (const name of ROLES.filter((r) => !roles.has(r))) {
    await client.roles.create.mutate({ name });
    created.roles++;
  }

  const categories = new Map((await client.categories.list.query()).map((c) => [c.name, c.id]));
  const missingCategories = CATEGORIES.filter((name) => !categories.has(name));
  for (const category of await Promise.all(
    missingCategories.map((name) => client.categories.create.mutate({ name })),
  )) {
    categories.set(category.name, category.id);
    created.categories++;
  }
  const categoryIds = CATEGORIES.map((name) => categories.get(name) as number);

  // A user is created first, then given its profile and roles: a seed user that exists without them (a run
  // stopped in between) gets what it lacks.
  const users = await allUsers(client);
  const specs = seedUsers(options.users, options.seed);
  for (let i = 0; i < specs.length; i += 100) {
    const chunk = specs.slice(i, i + 100);
    const missing = chunk.filter((spec) => !users.has(spec.username));
    if (missing.length > 0) {
      const made = await client.users.bulkCreate.mutate({
        users: missing.map(({ username, email }) => ({ username, email })),
      });
      for (const user of made) users.set(user.username, { id: user.id, roles: user.roles, hasProfile: false });
      created.users += made.length;
    }
    await Promise.all(
      chunk.flatMap((spec) => {
        const user = users.get(spec.username) as ExistingUser;
        return [
          ...(user.hasProfile ? [] : [client.profiles.upsert.mutate({ userId: user.id, ...spec.profile })]),
          ...spec.roles
            .filter((role) => !user.roles.includes(role))
            .map((role) => client.roles.assign.mutate({ userId: user.id, role })),
        ];
      }),
    );
    if (missing.length > 0) say(`users: ${i + chunk.length}/${specs.length}`);
  }

  const rounds = await missingProducts(options.products, (index) =>
    seedProductExists(client, index, options.seed, categoryIds),
  );
  let present = options.products - rounds.flat().reduce((sum, [start, end]) => sum + end - start, 0);
  for (const round of rounds) {
    const calls = round.map(([start, end]) =>
      client.products.bulkCreate.mutate({
        products: Array.from({ length: end - start }, (_, k) => seedProduct(start + k, options.seed, categoryIds)),
      }),
    );
    for (const { created: n } of await Promise.all(calls)) {
      created.products += n;
      present += n;
    }
    say(`products: ${present}/${options.products}`);
  }

  const owners = (
    await client.roles.members.query({ role: 'customer', perPage: Math.min(100, Math.max(options.accounts, 1)) })
  ).items.slice(0, options.accounts);
  const accountIds: number[] = [];
  const rng = random(options.seed);
  for (const owner of owners) {
    const accounts = await client.accounts.listForUser.query({ userId: owner.id });
    const opening = rng.money(10_000, 500_000);
    if (accounts[0]) accountIds.push(accounts[0].id);
    else {
      accountIds.push((await client.accounts.open.mutate({ ownerId: owner.id, initialDeposit: opening })).id);
      created.accounts++;
    }
  }
  if (created.accounts > 0) say(`accounts: ${accountIds.length}/${owners.length}`);

  // Idempotency keys make every transfer apply once, however often the seed runs.
  for (let i = 0; i < options.transfers && accountIds.length > 1; i++) {
    const from = rng.pick(accountIds);
    const to = rng.pick(accountIds.filter((id) => id !== from));
    const amount = rng.money(100, 5_000);
    const idempotencyKey = `seed-${options.seed}-transfer-${i}`;
    try {
      const result = await client.accounts.transfer.mutate({
        fromAccountId: from,
        toAccountId: to,
        amount,
        idempotencyKey,
      });
      if (!result.replayed) created.transfers++;
    } catch (error) {
      // A transfer the balance cannot cover is part of realistic data: skip it, keep seeding.
      if (!(isShopClientError(error) && error.data?.code === 'UNPROCESSABLE_CONTENT')) throw error;
    }
  }
  if (created.transfers > 0) say(`transfers: ${options.transfers} tried, ${created.transfers} made now`);

  return { created, elapsedMs: Math.round(performance.now() - started) };
}

const HELP = `usage: npm run db:seed [-- options]

Fills the API at --url with a deterministic sample shop, through @shop/client, signed in as an admin
(create one with npm run db:create-admin). Idempotent: a run stopped at any point is completed by the next.
  --url URL          API base URL (default: $API_URL or http://127.0.0.1:3000/trpc)
  --admin NAME       admin username or email (default: $SHOP_ADMIN_USERNAME or "admin")
  --password PW      admin password (default: $SHOP_ADMIN_PASSWORD)
  --users N          users with profiles and roles (default 50)
  --products N       products (default 300; 100000 works)
  --accounts N       users that get an account with an opening balance (default 20)
  --transfers N      transfers between those accounts (default 40)
  --seed N           PRNG seed: the same seed gives the same data (default 42)`;

export function parseSeedArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      admin: { type: 'string' },
      password: { type: 'string' },
      users: { type: 'string', default: '50' },
      products: { type: 'string', default: '300' },
      accounts: { type: 'string', default: '20' },
      transfers: { type: 'string', default: '40' },
      seed: { type: 'string', default: '42' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const count = (name: keyof typeof values) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
    return n;
  };
  return {
    help: values.help,
    url: values.url ?? process.env.API_URL ?? 'http://127.0.0.1:3000/trpc',
    admin: values.admin ?? process.env.SHOP_ADMIN_USERNAME ?? 'admin',
    password: values.password ?? process.env.SHOP_ADMIN_PASSWORD,
    users: count('users'),
    products: count('products'),
    accounts: count('accounts'),
    transfers: count('transfers'),
    seed: count('seed'),
  };
}

if (import.meta.main) {
  try {
    const args = parseSeedArgs(process.argv.slice(2).filter((a) => a !== '--'));
    if (args.help) {
      console.log(HELP);
      process.exit(0);
    }
    const anonymous = createShopClient({ url: args.url });
    try {
      await anonymous.health.live.query();
    } catch {
      throw new Error(`cannot reach the API at ${args.url}; start it first (npm start, or npm run dev)`);
    }
    if (!args.password) throw new Error('no admin password: pass --password or set SHOP_ADMIN_PASSWORD');
    const session = await anonymous.auth.login.mutate({ identifier: args.admin, password: args.password });
    const client = createShopClient({ url: args.url, token: session.token });
    const report = await seedShop(client, { ...args, onProgress: (line) => console.error(`[seed] ${line}`) });
    console.log(
      `seeded ${args.url} in ${(report.elapsedMs / 1000).toFixed(1)}s: created ${JSON.stringify(report.created)}`,
    );
  } catch (error) {
    const message = isShopClientError(error)
      ? `${error.data?.code ?? 'error'} ${error.message}`
      : (error as Error).message;
    console.error(`error: ${message}`);
    process.exit(1);
  }
}
