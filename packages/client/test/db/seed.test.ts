import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { useTestDatabase } from '@shop/db/testing';
import { afterEach, describe, expect, it } from 'vitest';
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
});

it('exits non-zero with one clear line when the API is unreachable', async () => {
  const script = fileURLToPath(new URL('../../scripts/seed.ts', import.meta.url));
  const run = promisify(execFile)(process.execPath, [script, '--url', 'http://127.0.0.1:9/trpc']);
  const error = (await run.catch((e: unknown) => e)) as { code: number; stderr: string };
  expect(error.code).toBe(1);
  expect(error.stderr.trim()).toBe(
    'error: cannot reach the API at http://127.0.0.1:9/trpc; start it first (npm start, or pnpm dev)',
  );
});
