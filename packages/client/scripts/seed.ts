// `pnpm db:seed`: fills a running API with a deterministic sample shop through @shop/client (never the ORM).
// Idempotent: what already exists is kept, only the missing part is created.
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

const PRODUCTS_PER_CALL = 500; // ~100 KB per call: a 4-call batch stays under the server's 1 MiB body limit
const CALLS_PER_ROUND = 4;

async function allUsernames(client: ShopClient): Promise<Set<string>> {
  const names = new Set<string>();
  for (let page = 1; ; page++) {
    const result = await client.users.list.query({ page, perPage: 100 });
    for (const user of result.items) names.add(user.username);
    if (!result.hasNext) return names;
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

/** How many of the first `products` seed products exist (a run creates them in order: they form a prefix). */
async function seedProductsPresent(client: ShopClient, options: SeedOptions, categoryIds: number[]) {
  let [present, missing] = [0, options.products];
  while (present < missing) {
    const middle = Math.floor((present + missing) / 2);
    if (await seedProductExists(client, middle, options.seed, categoryIds)) present = middle + 1;
    else missing = middle;
  }
  return present;
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

  const existing = await allUsernames(client);
  const wanted = seedUsers(options.users, options.seed).filter((u) => !existing.has(u.username));
  for (let i = 0; i < wanted.length; i += 100) {
    const chunk = wanted.slice(i, i + 100);
    const users = await client.users.bulkCreate.mutate({
      users: chunk.map(({ username, email }) => ({ username, email })),
    });
    await Promise.all(
      users.flatMap((user, j) => {
        const spec = chunk[j];
        if (!spec) return [];
        return [
          client.profiles.upsert.mutate({ userId: user.id, ...spec.profile }),
          ...spec.roles.map((role) => client.roles.assign.mutate({ userId: user.id, role })),
        ];
      }),
    );
    created.users += users.length;
    say(`users: ${created.users}/${wanted.length}`);
  }

  // Products have no natural key: the seed creates its products in order, so it finds how many of its own
  // exist (by name, category, price and the SKU in their metadata) with a binary search, and creates the rest.
  const present = await seedProductsPresent(client, options, categoryIds);
  for (let next = present; next < options.products; ) {
    const calls = [];
    for (let c = 0; c < CALLS_PER_ROUND && next < options.products; c++) {
      const end = Math.min(next + PRODUCTS_PER_CALL, options.products);
      const products = Array.from({ length: end - next }, (_, k) => seedProduct(next + k, options.seed, categoryIds));
      calls.push(client.products.bulkCreate.mutate({ products }));
      next = end;
    }
    for (const { created: n } of await Promise.all(calls)) created.products += n;
    say(`products: ${present + created.products}/${options.products}`);
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

  return { created, elapsedMs: Math.round(performance.now() - started) };
}

const HELP = `usage: pnpm db:seed [-- options]

Fills the API at --url with a deterministic sample shop, through @shop/client, signed in as an admin
(create one with pnpm db:create-admin). Idempotent.
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
      throw new Error(`cannot reach the API at ${args.url}; start it first (npm start, or pnpm dev)`);
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
