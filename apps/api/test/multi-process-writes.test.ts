// Writes that read before they write, from two API processes on one database at once: first sign-ups (which
// look the customer role up, creating it the first time), profile upserts (find, then insert or update) and
// product updates (load, then flush). On SQLite a transaction that started by reading cannot become the
// writer once another process has written; each must wait its turn, never answer 500. And idempotency keys,
// which are each caller's own on both processes.
import { createCategory, createProduct, createUsers, ensureAdmin, login, openAccount } from '@shop/db';
import { skipWithoutDatabase } from '@shop/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ApiProcess, startApiProcess } from '../src/testing/api-process.ts';
import { type SharedDatabase, sharedDatabase } from './support/shared-database.ts';

const CUSTOMERS = 8;
const ROUNDS = 12; // per customer: a profile upsert, a product update and a sign-up by a new user

let database: SharedDatabase | null = null;
const customers: { userId: number; token: string; accountId: number }[] = [];
let adminToken = '';
const productIds: number[] = [];
const servers: ApiProcess[] = [];

beforeAll(async () => {
  database = await sharedDatabase('writes');
  if (!database) return;
  await database.fill(async (orm) => {
    const em = () => orm.em.fork();
    const users = await createUsers(
      em(),
      Array.from({ length: CUSTOMERS }, (_, i) => ({
        username: `writer-${i}`,
        email: `writer-${i}@example.com`,
        password: `writer-password-${i}`,
      })),
    );
    for (const [i, user] of users.entries()) {
      const session = await login(em(), user.username, `writer-password-${i}`);
      if (!session) throw new Error(`sign-in of ${user.username} failed in setup`);
      const account = await openAccount(em(), user.id, '10.00', 'any');
      customers.push({ userId: user.id, token: session.token, accountId: account.id });
    }
    await ensureAdmin(em(), { username: 'boss', email: 'boss@example.com', password: 'boss-password' });
    const admin = await login(em(), 'boss', 'boss-password');
    if (!admin) throw new Error('admin sign-in failed in setup');
    adminToken = admin.token;
    const category = await createCategory(em(), 'Tools');
    for (let i = 0; i < 4; i++) {
      productIds.push((await createProduct(em(), { name: `Tool ${i}`, price: '1.00', categoryId: category.id })).id);
    }
  });
  // Errors only: a 500 logs its procedure and stack, which a failure below prints.
  // 96 sign-ups from one address: more than an address may make in production (API_SIGNUPS_PER_ADDRESS_HOUR).
  const env = { LOG_LEVEL: 'error', API_SIGNUPS_PER_ADDRESS_HOUR: '1000' };
  const { databaseUrl } = database;
  servers.push(...(await Promise.all([startApiProcess({ databaseUrl, env }), startApiProcess({ databaseUrl, env })])));
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await database?.destroy();
});

async function mutate(server: ApiProcess, path: string, input: unknown, token?: string) {
  const response = await fetch(`${server.url}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ json: input }),
  });
  return { path, status: response.status, body: await response.text() };
}

it('answers every concurrent read-then-write mutation from two processes without a 5xx', async (context) => {
  skipWithoutDatabase(context);
  const answers = (
    await Promise.all(
      customers.map(async ({ userId, token }, customer) => {
        const mine: Awaited<ReturnType<typeof mutate>>[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const server = servers[(customer + round) % 2]!;
          mine.push(
            ...(await Promise.all([
              mutate(server, 'profiles.upsert', { userId, bio: `round ${round}`, firstName: `W${customer}` }, token),
              mutate(
                server,
                'products.update',
                {
                  id: productIds[round % productIds.length],
                  patch: { price: `${customer + 1}.${String(round).padStart(2, '0')}` },
                },
                adminToken,
              ),
              mutate(server, 'auth.register', {
                username: `new-${customer}-${round}`,
                email: `new-${customer}-${round}@example.com`,
                password: 'new-user-password',
              }),
            ])),
          );
        }
        return mine;
      }),
    )
  ).flat();
  const failed = answers.filter((answer) => answer.status !== 200);
  if (failed.length) console.error(servers.map((server) => server.describe()).join('\n'));
  expect(failed.map(({ path, status, body }) => `${path} ${status} ${body.slice(0, 300)}`)).toEqual([]);
  expect(answers).toHaveLength(CUSTOMERS * ROUNDS * 3);
}, 120_000);

it('keeps each caller’s idempotency keys their own across both processes: one key, eight callers, eight transfers', async (context) => {
  if (!database) return context.skip();
  const payee = customers[0]!;
  const send = (customer: (typeof customers)[number], server: ApiProcess) =>
    mutate(
      server,
      'accounts.transfer',
      {
        fromAccountId: customer.accountId,
        toAccountId: payee.accountId,
        amount: '0.25',
        idempotencyKey: 'shared-key-0001',
      },
      customer.token,
    );
  const payers = customers.slice(1);
  const first = await Promise.all(payers.map((customer, i) => send(customer, servers[i % 2]!)));
  // Before: one transfer, and 409 "idempotencyKey is already taken" (or a 404) for the six others.
  expect(
    first.map(({ status, body }) => `${status} ${body.slice(0, 120)}`).filter((line) => !line.startsWith('200')),
  ).toEqual([]);
  const transfers = first.map(
    ({ body }) =>
      (JSON.parse(body) as { result: { data: { json: { transfer: { id: number }; replayed: boolean } } } }).result.data
        .json,
  );
  expect(new Set(transfers.map((t) => t.transfer.id)).size).toBe(payers.length);
  expect(transfers.every((t) => !t.replayed)).toBe(true);
  // Each caller's retry, on the other process, is a replay of their own transfer.
  const again = await Promise.all(payers.map((customer, i) => send(customer, servers[(i + 1) % 2]!)));
  const replays = again.map(
    ({ body }) =>
      (JSON.parse(body) as { result: { data: { json: { transfer: { id: number }; replayed: boolean } } } }).result.data
        .json,
  );
  expect(replays.map((t) => [t.transfer.id, t.replayed])).toEqual(transfers.map((t) => [t.transfer.id, true]));
});
