import { useTestDatabase } from '@shop/db/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { isShopClientError, type ShopClientError } from '../../src/index.ts';
import { type RunningApi, startApi } from './server.ts';

const { db } = useTestDatabase();
let api: RunningApi | undefined;
afterEach(async () => {
  await api?.server.close();
  api = undefined;
});

async function failure(promise: Promise<unknown>): Promise<ShopClientError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isShopClientError(error)) throw new Error(`expected a tRPC client error, got ${String(error)}`);
  return error;
}

describe('the API over real HTTP through @shop/client', () => {
  it('batches several calls into one request and keeps Dates and decimals typed', async () => {
    api = await startApi(db());
    const { client } = api;
    const category = await client.categories.create.mutate({ name: 'Books' });
    const created = await client.products.create.mutate({ name: 'Novel', price: '12.5', categoryId: category.id });
    const before = api.requests();
    // Queries issued in the same tick travel as one batched HTTP request.
    const [product, categories, health] = await Promise.all([
      client.products.byId.query({ id: created.id }),
      client.categories.list.query(),
      client.health.ready.query(),
    ]);
    expect(api.requests() - before).toBe(1);
    expect(product.price).toBe('12.50');
    expect(product.createdAt).toBeInstanceOf(Date);
    expect(categories.map((c) => c.name)).toEqual(['Books']);
    expect(health.status).toBe('ready');
  });

  it('answers 400 with field details, 409 naming the field, 404 for a missing id', async () => {
    api = await startApi(db());
    const { client } = api;
    const invalid = await failure(client.users.create.mutate({ username: 'ann', email: 'not-an-email' }));
    expect(invalid.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(invalid.data?.zodError?.fieldErrors).toHaveProperty('email');

    await client.users.create.mutate({ username: 'ann', email: 'ann@example.com' });
    const duplicate = await failure(client.users.create.mutate({ username: 'ann', email: 'other@example.com' }));
    expect(duplicate.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409, domain: { field: 'username' } });

    const missing = await failure(client.users.byId.query({ id: 424_242 }));
    expect(missing.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
  });

  it('requires a bearer token for protected procedures, and takes a token getter', async () => {
    api = await startApi(db());
    const denied = await failure(api.anonymous.users.list.query({}));
    expect(denied.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    expect((await api.client.users.list.query({})).total).toBe(1);
    let token: string | null = null;
    const { createShopClient } = await import('../../src/index.ts');
    const lazy = createShopClient({ url: api.url, token: () => token });
    expect((await failure(lazy.auth.me.query())).data?.code).toBe('UNAUTHORIZED');
    token = (await lazy.auth.login.mutate({ identifier: 'root', password: 'root-password-for-tests' })).token;
    expect((await lazy.auth.me.query()).username).toBe('root');
  });

  it('returns the real HTTP status codes and a request id', async () => {
    api = await startApi(db());
    const response = await fetch(
      `${api.url}/products.byId?input=${encodeURIComponent(JSON.stringify({ json: { id: 7 } }))}`,
    );
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    const oversized = await fetch(
      `${api.url}/${Array.from({ length: 11 }, () => 'health.live').join(',')}?batch=1&input={}`,
    );
    expect(oversized.status).toBe(400);
    const unknown = await fetch(`${api.url.replace(/\/trpc$/, '')}/nowhere`);
    expect(unknown.status).toBe(404);
  });

  it('refuses an oversized body with PAYLOAD_TOO_LARGE (413), as a typed client error', async () => {
    api = await startApi(db());
    const tooLarge = await failure(
      api.anonymous.auth.login.mutate({ identifier: 'x'.repeat(1_100_000), password: 'password-1' }),
    );
    expect(tooLarge.data).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 });
    // The server closed that connection (the rest of the body was never read); the next call gets a new one.
    expect((await api.anonymous.health.live.query()).status).toBe('ok');
  });

  it('lets an in-flight request finish on close, then refuses new ones', async () => {
    api = await startApi(db());
    const { client, server } = api;
    let closing: Promise<void> | undefined;
    server.server.once('request', () => {
      closing = server.close();
    });
    // Hashing the password keeps this request busy while the server closes.
    const created = await client.users.create.mutate({
      username: 'late',
      email: 'late@example.com',
      password: 'long-password-1',
    });
    expect(created.username).toBe('late');
    await closing;
    expect(server.server.listening).toBe(false);
    await expect(fetch(`${api.url}/health.live`)).rejects.toThrow();
    api = undefined;
  });
});
