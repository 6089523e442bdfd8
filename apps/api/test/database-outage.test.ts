// The database server goes away under a running API (PostgreSQL and MariaDB; SQLite is a file in the process):
// every call that needs it answers 503 SERVICE_UNAVAILABLE in the API's words, over /trpc, batched and over
// REST, instead of a 500; the server's log keeps the cause; /healthz still answers; when the server is back,
// the same process serves the same calls again and nothing was lost.
import { createCategory, createProduct, type Orm, registerUser } from '@shop/db';
import {
  type DatabaseLink,
  type LinkedDatabase,
  linkedTestDatabase,
  serverUnavailable,
  testDialect,
} from '@shop/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, createApiServer } from '../src/http/server.ts';
import { RETRY_AFTER_SECONDS } from '../src/trpc/errors.ts';

const UNAVAILABLE = 'the database is unavailable: try again shortly';
const unavailable = serverUnavailable();

describe.skipIf(testDialect === 'sqlite' || unavailable)('the database server goes away under a running API', () => {
  let linked: LinkedDatabase | undefined;
  let link: DatabaseLink;
  let orm: Orm;
  let server: ApiServer;
  let origin = '';
  const logs: { level: number; msg: string; err?: { message?: string } }[] = [];
  let productId = 0;
  let token = '';

  beforeAll(async () => {
    linked = await linkedTestDatabase(testDialect);
    ({ link, orm } = linked);
    const books = await createCategory(orm.em.fork(), 'Books');
    productId = (await createProduct(orm.em.fork(), { name: 'Atlas', price: '12.50', categoryId: books.id, stock: 3 }))
      .id;
    await registerUser(orm.em.fork(), { username: 'ann', email: 'ann@example.com', password: 'ann-password' });
    const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
    server = createApiServer({ orm, log });
    origin = (await server.listen(0, '127.0.0.1')).replace(/\/trpc$/, '');
    const signedIn = await trpc('POST', 'auth.login', { identifier: 'ann', password: 'ann-password' });
    token = (signedIn.body as { result: { data: { json: { token: string } } } }).result.data.json.token;
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await linked?.close();
  });

  async function call(path: string, init: RequestInit = {}) {
    const response = await fetch(`${origin}${path}`, init);
    const text = await response.text();
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null, retryAfter };
  }
  const input = (value: unknown) => encodeURIComponent(JSON.stringify({ json: value }));
  function trpc(method: 'GET' | 'POST', procedure: string, value: unknown, headers: Record<string, string> = {}) {
    return method === 'GET'
      ? call(`/trpc/${procedure}?input=${input(value)}`, { headers })
      : call(`/trpc/${procedure}`, {
          method,
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ json: value }),
        });
  }
  const trpcError = (path: string) => ({
    error: {
      json: expect.objectContaining({
        message: UNAVAILABLE,
        data: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503, path }),
      }),
    },
  });
  const restError = (path: string) =>
    expect.objectContaining({
      message: UNAVAILABLE,
      code: 'SERVICE_UNAVAILABLE',
      data: expect.objectContaining({ httpStatus: 503, path }),
    });
  const bearer = () => ({ authorization: `Bearer ${token}` });

  it('answers 503 in its own words while the server is gone, and serves again once it is back', async () => {
    expect((await trpc('GET', 'products.byId', { id: productId })).status).toBe(200);

    await link.cut();
    // Every 503 says when to try again (Retry-After: RETRY_AFTER_SECONDS).
    const retryLater = (body: unknown) => ({ status: 503, body, retryAfter: String(RETRY_AFTER_SECONDS) });
    expect(await trpc('GET', 'products.byId', { id: productId })).toEqual(retryLater(trpcError('products.byId')));
    expect(await trpc('GET', 'products.list', { page: 1 })).toEqual(retryLater(trpcError('products.list')));
    // A signed-in call: its session cannot be looked up, which is not a 401.
    expect(await trpc('GET', 'auth.me', undefined, bearer())).toEqual(retryLater(trpcError('auth.me')));
    expect(await trpc('POST', 'auth.login', { identifier: 'ann', password: 'ann-password' })).toEqual(
      retryLater(trpcError('auth.login')),
    );
    const batch = await call(
      `/trpc/products.byId,categories.list?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: { id: productId } }, 1: {} }))}`,
    );
    expect(batch).toEqual(retryLater([trpcError('products.byId'), trpcError('categories.list')]));
    // A batch of mutations is answered by tRPC's own handler (not the direct path): the same 503.
    const mutations = await call('/trpc/auth.login?batch=1', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ 0: { json: { identifier: 'ann', password: 'ann-password' } } }),
    });
    expect(mutations).toEqual(retryLater([trpcError('auth.login')]));
    expect(await call(`/api/products/${productId}`)).toEqual(retryLater(restError('products.byId')));
    expect(
      await call('/api/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer() },
        body: JSON.stringify({
          accountId: 1,
          lines: [{ productId, quantity: 1 }],
          idempotencyKey: 'outage-checkout-0001',
        }),
      }),
    ).toEqual(retryLater(restError('orders.checkout')));
    expect(await call('/readyz')).toEqual(retryLater(restError('health.ready')));
    expect((await call('/healthz')).status).toBe(200);
    // The log says what failed, for each call (the client only learns that it may retry).
    const failures = logs.filter((line) => line.msg === 'procedure failed');
    expect(failures.length).toBeGreaterThanOrEqual(8);
    expect(failures.every((line) => line.level === 50 && typeof line.err?.message === 'string')).toBe(true);

    await link.restore();
    await expect.poll(async () => (await call('/readyz')).status, { timeout: 10_000 }).toBe(200);
    const atlas = await trpc('GET', 'products.byId', { id: productId });
    expect(atlas.status).toBe(200);
    expect(atlas.retryAfter).toBeUndefined();
    expect((atlas.body as { result: { data: { json: { stock: number } } } }).result.data.json.stock).toBe(3);
    expect((await trpc('GET', 'auth.me', undefined, bearer())).status).toBe(200);
    expect((await call(`/api/products/${productId}`)).status).toBe(200);
  });
});
