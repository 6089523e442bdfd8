import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { useTestDatabase } from '@shop/db/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CATEGORIES, seedProduct, seedUsers } from '../../scripts/dataset.ts';
import { seedShop } from '../../scripts/seed.ts';
import { type RunningApi, startApi } from './server.ts';

const { db } = useTestDatabase();
let api: RunningApi | undefined;
afterEach(async () => {
  await api?.server.close();
  api = undefined;
});

const options = { users: 12, products: 1_234, accounts: 5, transfers: 15, seed: 7 };

describe('db:seed through the API', () => {
  it('fills an empty database, and a second run creates nothing and changes nothing', async () => {
    api = await startApi(db());
    const first = await seedShop(api.client, options);
    expect(first.created).toMatchObject({ roles: 1, categories: 8, users: 12, products: 1_234, accounts: 5 });
    expect(first.created.transfers).toBeGreaterThan(0);
    const counts = await api.client.stats.counts.query();
    // 12 seeded users plus the admin the test signed in as.
    expect(counts).toEqual({ users: 13, activeUsers: 13, products: 1_234, categories: 8 });
    const admins = await api.client.roles.members.query({ role: 'admin' });
    expect(admins.items.map((u) => u.username)).toEqual(['root', 'user00001']);
    expect((await api.client.users.byUsername.query({ username: 'user00002' })).profile?.firstName).toBeTruthy();
    const balances = async () =>
      (
        await Promise.all(
          (
            await api!.client.users.list.query({ perPage: 5 })
          ).items.map((u) => api!.client.accounts.listForUser.query({ userId: u.id })),
        )
      )
        .flat()
        .map((a) => a.balance);
    const before = await balances();

    const second = await seedShop(api.client, options);
    expect(second.created).toEqual({ roles: 0, categories: 0, users: 0, products: 0, accounts: 0, transfers: 0 });
    expect(await api.client.stats.counts.query()).toEqual(counts);
    expect(await balances()).toEqual(before);
  });

  it('is deterministic for a seed and resumes a partial run', async () => {
    api = await startApi(db());
    await seedShop(api.client, { ...options, products: 600 });
    const resumed = await seedShop(api.client, options);
    expect(resumed.created.products).toBe(634);
    // Same seed → same names, prices and SKUs on every database (the PRNG is seeded, ids are not used). Names
    // repeat and parallel bulk calls make the id order vary, so the SKU orders them.
    const pencils = await api.client.products.list.query({ nameContains: 'mechanical pencil', perPage: 100 });
    const bySku = pencils.items.map((p) => [p.metadata?.sku, p.name, p.price]).sort();
    expect(bySku.length).toBeGreaterThan(3);
    expect(bySku.slice(0, 3)).toMatchSnapshot();
  });

  // What a run stopped by Ctrl-C leaves behind, made by hand: the next run completes it, creating nothing twice.
  it('gives seed users a stopped run left without their profile or roles what they lack', async () => {
    api = await startApi(db());
    const specs = seedUsers(options.users, options.seed);
    const bare = await api.client.users.bulkCreate.mutate({
      users: specs.slice(0, 4).map(({ username, email }) => ({ username, email })),
    });
    await api.client.profiles.upsert.mutate({ userId: bare[2]!.id, ...specs[2]!.profile, bio: 'changed since' });
    const resumed = await seedShop(api.client, options);
    expect(resumed.created.users).toBe(options.users - 4);
    for (const [i, user] of bare.entries()) {
      const now = await api.client.users.byId.query({ id: user.id });
      expect(now.roles).toEqual(specs[i]!.roles);
      // A profile that exists is kept as it is.
      expect(now.profile?.bio).toBe(i === 2 ? 'changed since' : specs[i]!.profile.bio);
    }
  });

  it('finds the products of an interrupted round, whatever order its calls finished in, and adds only the rest', async () => {
    api = await startApi(db());
    const client = api.client;
    await seedShop(client, { ...options, products: 0 });
    const byName = new Map((await client.categories.list.query()).map((c) => [c.name, c.id]));
    const categoryIds = CATEGORIES.map((name) => byName.get(name) as number);
    const create = (start: number, end: number) =>
      client.products.bulkCreate.mutate({
        products: Array.from({ length: end - start }, (_, k) => seedProduct(start + k, options.seed, categoryIds)),
      });
    // A round of four 500-product calls, stopped: the first call done, the second cut short by an earlier run
    // for 700 products, the third not done, the fourth done.
    await create(0, 500);
    await create(500, 700);
    await create(1_500, 2_000);
    const resumed = await seedShop(client, { ...options, products: 2_100 });
    expect(resumed.created.products).toBe(300 + 500 + 100);
    expect((await client.stats.counts.query()).products).toBe(2_100);
    const again = await seedShop(client, { ...options, products: 2_100 });
    expect(again.created.products).toBe(0);
  });
});

it('exits non-zero with one clear line when the API is unreachable', async () => {
  const script = fileURLToPath(new URL('../../scripts/seed.ts', import.meta.url));
  const run = promisify(execFile)(process.execPath, [script, '--url', 'http://127.0.0.1:9/trpc']);
  const error = (await run.catch((e: unknown) => e)) as { code: number; stderr: string };
  expect(error.code).toBe(1);
  expect(error.stderr.trim()).toBe(
    'error: cannot reach the API at http://127.0.0.1:9/trpc; start it first (npm start, or npm run dev)',
  );
});
