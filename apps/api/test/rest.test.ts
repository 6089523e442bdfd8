// REST over the same procedures, with plain fetch against the real server (both dialects): every route's
// happy path, each error status, the OpenAPI document (validated), and tRPC's inputs left as strict as before.
import { Validator } from '@seriousme/openapi-schema-validator';
import { ensureAdmin } from '@shop/db';
import { useTestDatabase } from '@shop/db/testing';
import { pino } from 'pino';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openApiDocument, restProcedures } from '../src/http/openapi.ts';
import { type ApiServer, createApiServer } from '../src/http/server.ts';
import { appRouter } from '../src/trpc/router.ts';
import { callerFor } from './caller.ts';
import { restCalls } from './support/rest-calls.ts';

const { db } = useTestDatabase();
let server: ApiServer | undefined;
let base = '';
const { api, exercised, answered, undocumented } = restCalls(() => base);

let everyRouteCalled = false;
afterAll(async () => {
  await server?.close();
  // The document must list every status a route answered in this file, and each route's success status must
  // have been answered (checked once the happy path has called every route).
  if (!everyRouteCalled) return;
  const missing = undocumented();
  for (const [, procedure] of restProcedures()) {
    const { method, path } = procedure._def.meta.openapi;
    const success = procedure._def.meta.rest?.status ?? 200;
    if (!answered.get(`${method} ${path}`)?.has(success))
      missing.push(`${method} ${path}: never answered its documented ${success}`);
  }
  expect(missing).toEqual([]);
});
beforeEach(async (context) => {
  if (context.task.result?.state === 'skip') return;
  if (!server) {
    server = createApiServer({ orm: db().orm, log: pino({ level: 'silent' }) });
    base = (await server.listen(0, '127.0.0.1')).replace(/\/trpc$/, '/api');
  }
  await ensureAdmin(db().orm.em.fork(), { username: 'root', email: 'root@example.com', password: 'root-password-1' });
});

const signIn = async (identifier: string, password: string) =>
  (await api('POST', '/auth/login', { body: { identifier, password } })).json.token as string;

describe('REST', () => {
  it('serves every documented route: 201 with Location, 204 without a body, snake_case query names', async () => {
    expect((await api('GET', '/healthz')).json.status).toBe('ok');
    expect((await api('GET', '/readyz')).json.status).toBe('ready');
    const root = await signIn('root', 'root-password-1');
    const as = (token: string) => ({ token });

    // users
    const created = await api('POST', '/users', {
      ...as(root),
      body: { username: 'ann', email: 'ann@example.com', password: 'ann-password' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/users/${created.json.id}`);
    const ann = created.json.id as number;
    expect(
      (
        await api('POST', '/users/bulk', {
          ...as(root),
          body: { users: [{ username: 'bob', email: 'bob@example.com', password: 'bob-password' }] },
        })
      ).status,
    ).toBe(201);
    expect((await api('GET', '/users/{id}', { ...as(root), params: { id: ann } })).json.username).toBe('ann');
    expect(
      (await api('GET', '/users/by-username/{username}', { ...as(root), params: { username: 'bob' } })).json.email,
    ).toBe('bob@example.com');
    const page = await api('GET', '/users', { ...as(root), query: { page: '1', per_page: '2', is_active: 'true' } });
    expect(page.json).toMatchObject({ perPage: 2, total: 3, hasNext: true });
    expect(
      (await api('GET', '/users/search', { ...as(root), query: { username: 'an', is_active: 'true' } })).json.items.map(
        (u: { username: string }) => u.username,
      ),
    ).toEqual(['ann']);
    expect(
      (
        await api('PATCH', '/users/{id}', {
          ...as(root),
          params: { id: ann },
          body: { email: 'ann@shop.example' },
        })
      ).json.email,
    ).toBe('ann@shop.example');
    const replaced = await api('PUT', '/users/{id}', {
      ...as(root),
      params: { id: ann },
      body: { username: 'ann', email: 'ann@example.com' },
    });
    expect(replaced.json).toMatchObject({ username: 'ann', email: 'ann@example.com', isActive: true });
    expect((await api('GET', '/users/count', as(root))).json).toEqual({ total: 3, active: 3 });

    // profiles and roles
    expect(
      (
        await api('PUT', '/users/{userId}/profile', {
          ...as(root),
          params: { userId: ann },
          body: { firstName: 'Ann' },
        })
      ).json.firstName,
    ).toBe('Ann');
    expect((await api('GET', '/users/{userId}/profile', { ...as(root), params: { userId: ann } })).json.firstName).toBe(
      'Ann',
    );
    expect((await api('POST', '/roles', { ...as(root), body: { name: 'customer' } })).status).toBe(201);
    expect((await api('GET', '/roles', as(root))).json.map((r: { name: string }) => r.name)).toEqual([
      'admin',
      'customer',
    ]);
    expect(
      (await api('PUT', '/users/{userId}/roles/{role}', { ...as(root), params: { userId: ann, role: 'customer' } }))
        .json.roles,
    ).toEqual(['customer']);
    expect((await api('GET', '/roles/{role}/members', { ...as(root), params: { role: 'customer' } })).json.total).toBe(
      1,
    );

    // catalog
    const books = await api('POST', '/categories', { ...as(root), body: { name: 'Books' } });
    expect(books.status).toBe(201);
    expect(books.headers.get('location')).toBe(`/api/categories/${books.json.id}`);
    expect((await api('GET', '/categories')).json).toHaveLength(1);
    expect(
      (await api('PATCH', '/categories/{id}', { ...as(root), params: { id: books.json.id }, body: { name: 'Novels' } }))
        .json.name,
    ).toBe('Novels');
    expect((await api('GET', '/categories/{id}', { params: { id: books.json.id } })).json.name).toBe('Novels');
    const atlas = await api('POST', '/products', {
      ...as(root),
      body: { name: 'Atlas', price: '12.50', categoryId: books.json.id },
    });
    expect(atlas.status).toBe(201);
    expect(atlas.headers.get('location')).toBe(`/api/products/${atlas.json.id}`);
    expect(
      (
        await api('POST', '/products/bulk', {
          ...as(root),
          body: { products: [{ name: 'Map', price: '3', categoryId: books.json.id }] },
        })
      ).json,
    ).toEqual({ created: 1 });
    const list = await api('GET', '/products', {
      query: { order_by: 'price', direction: 'desc', per_page: '1', min_price: '1.00' },
    });
    expect(list.json).toMatchObject({ total: 2, items: [{ name: 'Atlas', price: '12.50' }] });
    expect((await api('GET', '/products/cursor', { query: { first: '1' } })).json.hasNext).toBe(true);
    expect((await api('GET', '/products/summaries')).json).toHaveLength(2);
    expect((await api('GET', '/products/{id}', { params: { id: atlas.json.id } })).json.createdAt).toMatch(
      /^\d{4}-\d{2}-\d{2}T/,
    );
    expect(
      (
        await api('PATCH', '/products/{id}', {
          ...as(root),
          params: { id: atlas.json.id },
          body: { stock: 0 },
        })
      ).json.inStock,
    ).toBe(false);
    expect((await api('GET', '/stats/categories', { query: { min_products: '2' } })).json).toMatchObject([
      { name: 'Novels', productCount: 2, averagePrice: '7.75' },
    ]);
    expect((await api('GET', '/stats/counts', as(root))).json).toMatchObject({ users: 3, products: 2 });

    // accounts, as the customer herself
    const annToken = await signIn('ann', 'ann-password');
    const own = await api('POST', '/accounts', { ...as(root), body: { ownerId: ann, initialDeposit: '50.00' } });
    expect(own.status).toBe(201);
    const bobId = (await api('GET', '/users/by-username/{username}', { ...as(root), params: { username: 'bob' } })).json
      .id;
    const bobs = (await api('POST', '/accounts', { ...as(root), body: { ownerId: bobId } })).json.id as number;
    expect((await api('GET', '/accounts/{id}', { ...as(annToken), params: { id: own.json.id } })).json.balance).toBe(
      '50.00',
    );
    expect(
      (await api('GET', '/users/{userId}/accounts', { ...as(annToken), params: { userId: ann } })).json,
    ).toHaveLength(1);
    // Top-ups and withdrawals are the admin's, with a reason.
    expect(
      (
        await api('POST', '/accounts/{accountId}/deposit', {
          ...as(root),
          params: { accountId: own.json.id },
          body: { amount: '5.00', reason: 'a voucher' },
        })
      ).json.balance,
    ).toBe('55.00');
    expect(
      (
        await api('POST', '/accounts/{accountId}/withdraw', {
          ...as(root),
          params: { accountId: own.json.id },
          body: { amount: '5.00', reason: 'the voucher, withdrawn' },
        })
      ).json.balance,
    ).toBe('50.00');
    const transfer = { fromAccountId: own.json.id, toAccountId: bobs, amount: '20.00' };
    const key = { 'idempotency-key': 'rest-key-0001' };
    const first = await api('POST', '/transfers', { ...as(annToken), body: transfer, headers: key });
    expect(first).toMatchObject({
      status: 201,
      json: { replayed: false, transfer: { idempotencyKey: 'rest-key-0001' } },
    });
    expect((await api('POST', '/transfers', { ...as(annToken), body: transfer, headers: key })).json.replayed).toBe(
      true,
    );
    const ledger = await api('GET', '/accounts/{accountId}/ledger', {
      ...as(annToken),
      params: { accountId: own.json.id },
    });
    expect(ledger.json.total).toBe(4); // opening top-up, top-up, withdrawal, one transfer: the replay moved nothing
    const insufficient = await api('POST', '/transfers', { ...as(annToken), body: { ...transfer, amount: '1000.00' } });
    expect(insufficient).toMatchObject({ status: 422, json: { code: 'UNPROCESSABLE_CONTENT' } });

    // the shop: a checkout (once per key), the order, shipping and delivery by the admin, a cancellation
    const globe = (
      await api('POST', '/products', {
        ...as(root),
        body: { name: 'Globe', price: '10.00', stock: 2, categoryId: books.json.id },
      })
    ).json.id as number;
    const cart = { accountId: own.json.id, lines: [{ productId: globe, quantity: 1 }] };
    const keyed = (k: string) => ({ ...as(annToken), body: cart, headers: { 'idempotency-key': k } });
    expect(await api('POST', '/orders', { ...as(annToken), body: cart })).toMatchObject({
      status: 400,
      json: { code: 'BAD_REQUEST' },
    });
    const order = await api('POST', '/orders', keyed('rest-cart-0001'));
    expect(order).toMatchObject({
      status: 201,
      json: { replayed: false, order: { status: 'placed', total: '10.00' } },
    });
    const placed = { id: order.json.order.id as number };
    expect(order.headers.get('location')).toBe(`/api/orders/${placed.id}`);
    expect((await api('POST', '/orders', keyed('rest-cart-0001'))).json).toMatchObject({
      replayed: true,
      order: { id: placed.id },
    });
    const tooMany = await api('POST', '/orders', {
      ...keyed('rest-cart-0002'),
      body: { ...cart, lines: [{ productId: globe, quantity: 5 }] },
    });
    expect(tooMany).toMatchObject({
      status: 422,
      json: {
        code: 'UNPROCESSABLE_CONTENT',
        data: { domain: { kind: 'OUT_OF_STOCK', productId: globe, available: 1 } },
      },
    });
    // A line naming a product that does not exist: 404, and which one.
    const unknown = await api('POST', '/orders', {
      ...keyed('rest-cart-0004'),
      body: { ...cart, lines: [{ productId: 999_999, quantity: 1 }] },
    });
    expect(unknown).toMatchObject({
      status: 404,
      json: { code: 'NOT_FOUND', data: { domain: { kind: 'NOT_FOUND', productId: 999_999, available: null } } },
    });
    expect((await api('GET', '/orders/{id}', { ...as(annToken), params: placed })).json.lines).toEqual([
      expect.objectContaining({ productId: globe, productName: 'Globe', quantity: 1, unitPrice: '10.00' }),
    ]);
    expect((await api('GET', '/orders', as(annToken))).json.total).toBe(1);
    expect((await api('POST', '/orders/{id}/ship', { ...as(annToken), params: placed })).status).toBe(403);
    expect((await api('POST', '/orders/{id}/ship', { ...as(root), params: placed })).json.status).toBe('shipped');
    expect(await api('POST', '/orders/{id}/cancel', { ...as(annToken), params: placed })).toMatchObject({
      status: 409,
      json: { code: 'CONFLICT' },
    });
    expect((await api('POST', '/orders/{id}/deliver', { ...as(root), params: placed })).json.status).toBe('delivered');
    const second = (await api('POST', '/orders', keyed('rest-cart-0003'))).json.order.id;
    expect((await api('POST', '/orders/{id}/cancel', { ...as(annToken), params: { id: second } })).json.status).toBe(
      'cancelled',
    );
    expect((await api('GET', '/products/{id}', { params: { id: globe } })).json).toMatchObject({
      stock: 1,
      inStock: true,
    });
    expect((await api('GET', '/accounts/{id}', { ...as(annToken), params: { id: own.json.id } })).json.balance).toBe(
      '20.00',
    ); // 30.00 − the delivered order; the cancelled one refunded
    expect((await api('GET', '/recipients/{username}', { ...as(annToken), params: { username: 'bob' } })).json).toEqual(
      { username: 'bob', accountIds: [bobs] },
    );

    // sign-out, deletions
    expect((await api('GET', '/auth/me', as(annToken))).json.username).toBe('ann');
    expect((await api('POST', '/auth/logout', as(annToken))).json).toEqual({ signedOut: true });
    expect((await api('GET', '/auth/me', as(annToken))).status).toBe(401);
    expect(
      (
        await api('POST', '/auth/register', {
          body: { username: 'cat', email: 'cat@example.com', password: 'cat-password' },
        })
      ).status,
    ).toBe(201);
    expect(
      (await api('DELETE', '/users/{userId}/roles/{role}', { ...as(root), params: { userId: ann, role: 'customer' } }))
        .json.roles,
    ).toEqual([]);
    expect((await api('DELETE', '/users/{userId}/profile', { ...as(root), params: { userId: ann } })).status).toBe(204);
    const deleted = await api('DELETE', '/products/{id}', { ...as(root), params: { id: atlas.json.id } });
    expect(deleted).toMatchObject({ status: 204, json: null });
    expect(
      (await api('POST', '/users/set-active', { ...as(root), body: { ids: [ann], isActive: false } })).json,
    ).toEqual({ updated: 1 });
    expect((await api('POST', '/users/delete-inactive', as(root))).json).toEqual({
      deleted: 0,
      keptWithBalance: 1,
      keptWithHistory: 0,
    });
    const cat = (await api('GET', '/users/by-username/{username}', { ...as(root), params: { username: 'cat' } })).json
      .id;
    expect((await api('DELETE', '/users/{id}', { ...as(root), params: { id: cat } })).status).toBe(204);
    const empty = (await api('POST', '/categories', { ...as(root), body: { name: 'Empty' } })).json.id;
    expect((await api('DELETE', '/categories/{id}', { ...as(root), params: { id: empty } })).status).toBe(204);

    const documented = restProcedures().map(([, p]) => `${p._def.meta?.openapi?.method} ${p._def.meta?.openapi?.path}`);
    expect([...exercised].sort()).toEqual(documented.sort());
    everyRouteCalled = true;
  });

  it('answers 400 with field errors, 401, 403, 404 and 409 with the field, like tRPC', async () => {
    const root = await signIn('root', 'root-password-1');
    const bad = await api('GET', '/products/{id}', { params: { id: 'abc' } });
    expect(bad).toMatchObject({
      status: 400,
      json: { code: 'BAD_REQUEST', data: { zodError: { fieldErrors: { id: [expect.any(String)] } } } },
    });
    const price = await api('POST', '/products', { token: root, body: { name: 'X', price: ' 1', categoryId: 1 } });
    expect(price.json.data.zodError.fieldErrors.price).toHaveLength(1);
    expect((await api('GET', '/users/count')).status).toBe(401);
    await api('POST', '/users', {
      token: root,
      body: { username: 'eve', email: 'eve@example.com', password: 'eve-password' },
    });
    const eve = await signIn('eve', 'eve-password');
    expect((await api('GET', '/users/count', { token: eve })).status).toBe(403);
    expect((await api('GET', '/products/{id}', { params: { id: 999999 } })).status).toBe(404);
    await api('POST', '/categories', { token: root, body: { name: 'Books' } });
    const conflict = await api('POST', '/categories', { token: root, body: { name: 'Books' } });
    expect(conflict).toMatchObject({ status: 409, json: { code: 'CONFLICT', data: { domain: { field: 'name' } } } });
    const header = await api('POST', '/transfers', {
      token: root,
      body: { fromAccountId: 1, toAccountId: 2, amount: '1.00' },
      headers: { 'idempotency-key': 'short' },
    });
    expect(header.status).toBe(400);
    expect((await api('GET', '/products', { query: { in_stock: 'yes' } })).status).toBe(400); // not quietly true
    const taken = await api('POST', '/users', {
      token: root,
      body: { username: 'eve', email: 'eve2@example.com', password: 'eve-password' },
    });
    expect(taken).toMatchObject({ status: 409, json: { code: 'CONFLICT', data: { domain: { field: 'username' } } } });
    // An admin cannot lock themselves out: 403 with the reason, and still signed in.
    const rootId = (await api('GET', '/auth/me', { token: root })).json.id;
    const self = await api('PATCH', '/users/{id}', {
      token: root,
      params: { id: rootId },
      body: { isActive: false },
    });
    expect(self).toMatchObject({
      status: 403,
      json: { code: 'FORBIDDEN', message: 'you cannot deactivate yourself: ask another admin' },
    });
    expect((await api('GET', '/auth/me', { token: root })).status).toBe(200);
    const malformed = await fetch(`${base}/categories`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${root}` },
      body: '{"name": ',
    });
    expect(malformed.status).toBe(400);
    answered.get('POST /categories')?.add(malformed.status);
    expect(await malformed.json()).toMatchObject({ code: 'BAD_REQUEST', message: expect.any(String) });
  });

  it('answers 422 for insufficient funds, 403 for a customer’s deposit, 404 for another customer’s account, and 429 after repeated failed sign-ins', async () => {
    const root = await signIn('root', 'root-password-1');
    const user = async (name: string) =>
      (
        await api('POST', '/users', {
          token: root,
          body: { username: name, email: `${name}@example.com`, password: `${name}-password` },
        })
      ).json.id as number;
    const [ann, bob] = [await user('ann'), await user('bob')];
    const annToken = await signIn('ann', 'ann-password');
    const account = (await api('POST', '/accounts', { token: root, body: { ownerId: ann, initialDeposit: '5.00' } }))
      .json.id;
    const bobs = (await api('POST', '/accounts', { token: root, body: { ownerId: bob } })).json.id;
    const poor = await api('POST', '/transfers', {
      token: annToken,
      body: { fromAccountId: account, toAccountId: bobs, amount: '9.00' },
    });
    expect(poor).toMatchObject({ status: 422, json: { code: 'UNPROCESSABLE_CONTENT' } });
    const rich = await api('POST', '/accounts', { token: annToken, body: { ownerId: ann, initialDeposit: '1.00' } });
    expect(rich).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    // A customer never puts money in (nor takes it out): 403, and her balance and ledger stay as they were.
    const ledgerOf = async () =>
      (await api('GET', '/accounts/{accountId}/ledger', { token: annToken, params: { accountId: account } })).json
        .total;
    const before = await ledgerOf();
    for (const move of ['deposit', 'withdraw']) {
      const refused = await api('POST', `/accounts/{accountId}/${move}`, {
        token: annToken,
        params: { accountId: account },
        body: { amount: '1000000.00', reason: 'mine' },
      });
      expect(refused).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    }
    expect((await api('GET', '/accounts/{id}', { token: annToken, params: { id: account } })).json.balance).toBe(
      '5.00',
    );
    expect(await ledgerOf()).toBe(before);
    const noReason = await api('POST', '/accounts/{accountId}/deposit', {
      token: root,
      params: { accountId: account },
      body: { amount: '1.00' },
    });
    expect(noReason).toMatchObject({ status: 400, json: { code: 'BAD_REQUEST' } });
    const theirs = await api('GET', '/accounts/{id}', { token: annToken, params: { id: bobs } });
    expect(theirs).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await api('POST', '/auth/login', { body: { identifier: 'bob', password: 'wrong-password' } })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('reaches every procedure over REST', () => {
    const routed = new Set(restProcedures().map(([path]) => path));
    expect(Object.keys(appRouter._def.procedures).filter((path) => !routed.has(path))).toEqual([]);
  });

  it('publishes a valid OpenAPI 3.1 document with bearer auth, errors and examples, and the reference page', async () => {
    const document = (await api('GET', '/openapi.json')).json;
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\.1/);
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.paths['/products'].get.security).toBeUndefined();
    expect(document.paths['/users'].post.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(document.paths['/transfers'].post.responses).sort()).toEqual(
      ['201', '400', '401', '404', '409', '413', '415', '422', '503'].sort(),
    );
    // No input, public: only the database can fail it.
    expect(Object.keys(document.paths['/categories'].get.responses)).toEqual(['200', '503']);
    expect(Object.keys(document.paths['/auth/login'].post.responses).sort()).toEqual(
      ['200', '400', '401', '413', '415', '429', '503'].sort(),
    );
    // Liveness touches no database; readiness is the database's answer.
    expect(Object.keys(document.paths['/healthz'].get.responses)).toEqual(['200']);
    expect(document.paths['/readyz'].get.responses['503'].description).toBe('the database is unavailable');
    expect(document.paths['/users/{id}'].delete.responses['204']).toEqual({ description: 'done (no body)' });
    expect(document.paths['/products'].post.responses['201'].headers.Location).toBeDefined();
    expect(document.components.schemas.Error.required).toEqual(['message', 'code', 'data']);
    // Every schema has a name a reader understands (zod names an anonymous recursive one `__schema0`).
    expect(Object.keys(document.components.schemas).sort()).toEqual(
      [
        'Account',
        'Category',
        'CategoryStat',
        'Error',
        'JsonValue',
        'LedgerEntry',
        'Order',
        'Product',
        'Profile',
        'Role',
        'User',
      ].sort(),
    );
    expect(JSON.stringify(document)).not.toContain('__schema');
    expect(document.paths['/users'].post.requestBody.content['application/json'].schema.properties.email.example).toBe(
      'ann@example.com',
    ); // request examples
    expect(JSON.stringify(document)).toContain('"12.50"'); // money examples
    expect(document).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    const docs = await fetch(`${base}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/api/openapi.json');
  });

  it('answers /healthz, /readyz, /openapi.json and /docs at the root too', async () => {
    const origin = base.replace(/\/api$/, '');
    expect(await (await fetch(`${origin}/healthz`)).json()).toMatchObject({ status: 'ok' });
    expect(await (await fetch(`${origin}/readyz`)).json()).toMatchObject({ status: 'ready' });
    expect(await (await fetch(`${origin}/openapi.json`)).json()).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    const docs = await fetch(`${origin}/docs`, { headers: { accept: 'text/html' } });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/api/openapi.json');
  });

  it('leaves the tRPC inputs strict after REST calls (no coercion leaks into the shared schemas)', async () => {
    await api('GET', '/products', { query: { in_stock: 'true', per_page: '5' } });
    await api('GET', '/products/{id}', { params: { id: 1 } });
    const trpc = callerFor(db());
    await expect(trpc.products.byId({ id: '1' as unknown as number })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(trpc.products.list({ inStock: 'false' as unknown as boolean })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
