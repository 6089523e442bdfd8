// REST bodies as a curl user writes them, against the real server on every dialect: PUT replaces a user,
// PATCH takes its fields flat (tRPC's `{ id, patch }` stays as it is), money may be a JSON number with at most
// two decimals, and the reference page at /api/docs loads nothing from another host.
import { ensureAdmin } from '@shop/db';
import { useTestDatabase } from '@shop/db/testing';
import { pino } from 'pino';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DOCS_PAGE } from '../src/http/docs-page.ts';
import { openApiDocument, restProcedures } from '../src/http/openapi.ts';
import { type ApiServer, createApiServer } from '../src/http/server.ts';
import { callerFor } from './caller.ts';
import { restCalls } from './support/rest-calls.ts';

const { db } = useTestDatabase();
let server: ApiServer | undefined;
let base = '';
const { api, undocumented } = restCalls(() => base);

afterAll(async () => {
  await server?.close();
  expect(undocumented()).toEqual([]); // every status answered here is in the document
});

let root = '';
let categoryId = 0;
beforeEach(async (context) => {
  if (context.task.result?.state === 'skip') return;
  if (!server) {
    server = createApiServer({ orm: db().orm, log: pino({ level: 'silent' }) });
    base = (await server.listen(0, '127.0.0.1')).replace(/\/trpc$/, '/api');
  }
  await ensureAdmin(db().orm.em.fork(), { username: 'root', email: 'root@example.com', password: 'root-password-1' });
  root = await signIn('root', 'root-password-1');
  categoryId = (await api('POST', '/categories', { token: root, body: { name: 'Maps' } })).json.id;
});

async function signIn(identifier: string, password: string) {
  const { status, json } = await api('POST', '/auth/login', { body: { identifier, password } });
  return status === 200 ? (json.token as string) : '';
}

const newUser = async (username: string, extra: Record<string, unknown> = {}) =>
  (
    await api('POST', '/users', {
      token: root,
      body: { username, email: `${username}@example.com`, password: `${username}-password`, ...extra },
    })
  ).json.id as number;

const newProduct = async (price: unknown = '10.00') =>
  api('POST', '/products', { token: root, body: { name: 'Atlas', price, categoryId } });

describe('PUT /api/users/{id}', () => {
  it('replaces the user: missing isActive back to true, the password kept when absent and replaced when given', async () => {
    const ann = await newUser('ann', { isActive: false });
    const put = await api('PUT', '/users/{id}', {
      token: root,
      params: { id: ann },
      body: { username: 'anne', email: 'anne@example.com' },
    });
    expect(put).toMatchObject({ status: 200, json: { id: ann, username: 'anne', email: 'anne@example.com' } });
    expect(put.json.isActive).toBe(true); // reset to its default, as on creation
    const token = await signIn('anne', 'ann-password');
    expect(token).not.toBe(''); // the password, write-only, was kept

    const renewed = await api('PUT', '/users/{id}', {
      token: root,
      params: { id: ann },
      body: { username: 'anne', email: 'anne@example.com', isActive: true, password: 'anne-password' },
    });
    expect(renewed.status).toBe(200);
    expect((await api('GET', '/auth/me', { token })).status).toBe(401); // a new password signs out everywhere
    expect(await signIn('anne', 'ann-password')).toBe('');
    expect(await signIn('anne', 'anne-password')).not.toBe('');
  });

  it('takes back what GET answered (read-only fields ignored)', async () => {
    const ann = await newUser('ann');
    const read = (await api('GET', '/users/{id}', { token: root, params: { id: ann } })).json;
    const put = await api('PUT', '/users/{id}', { token: root, params: { id: ann }, body: { ...read, id: 999 } });
    expect(put).toMatchObject({ status: 200, json: { id: ann, username: 'ann', roles: [] } });
  });

  it('refuses a partial body with a 400 naming each missing field, and changes nothing', async () => {
    const ann = await newUser('ann');
    const partial = await api('PUT', '/users/{id}', {
      token: root,
      params: { id: ann },
      body: { email: 'x@example.com' },
    });
    expect(partial).toMatchObject({ status: 400, json: { code: 'BAD_REQUEST' } });
    expect(Object.keys(partial.json.data.zodError.fieldErrors)).toEqual(['username']);
    expect(partial.json.message).toContain('username');
    const empty = await api('PUT', '/users/{id}', { token: root, params: { id: ann }, body: {} });
    expect(Object.keys(empty.json.data.zodError.fieldErrors).sort()).toEqual(['email', 'username']);
    expect((await api('GET', '/users/{id}', { token: root, params: { id: ann } })).json.email).toBe('ann@example.com');
  });

  it('answers 404 for a user that does not exist (ids are the server’s: PUT never creates), 401 and 409', async () => {
    const body = { username: 'zed', email: 'zed@example.com' };
    const missing = await api('PUT', '/users/{id}', { token: root, params: { id: 99_999 }, body });
    expect(missing).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
    expect((await api('PUT', '/users/{id}', { params: { id: 1 }, body })).status).toBe(401);
    const ann = await newUser('ann');
    await newUser('bob');
    const taken = await api('PUT', '/users/{id}', {
      token: root,
      params: { id: ann },
      body: { username: 'bob', email: 'ann@example.com' },
    });
    expect(taken).toMatchObject({ status: 409, json: { data: { domain: { field: 'username' } } } });
  });
});

describe('PATCH bodies are flat', () => {
  it('changes a user, a product and a category from their fields alone', async () => {
    const ann = await newUser('ann');
    const user = await api('PATCH', '/users/{id}', { token: root, params: { id: ann }, body: { username: 'x' } });
    expect(user).toMatchObject({ status: 200, json: { username: 'x', email: 'ann@example.com' } });
    const product = (await newProduct()).json.id;
    const patched = await api('PATCH', '/products/{id}', {
      token: root,
      params: { id: product },
      body: { price: '3.10', stock: 4 },
    });
    expect(patched).toMatchObject({ status: 200, json: { name: 'Atlas', price: '3.10', stock: 4, inStock: true } });
    const category = await api('PATCH', '/categories/{id}', {
      token: root,
      params: { id: categoryId },
      body: { name: 'Atlases' },
    });
    expect(category).toMatchObject({ status: 200, json: { name: 'Atlases' } });
  });

  it('refuses the nested tRPC form with a 400 saying to send the fields flat, and changes nothing', async () => {
    const ann = await newUser('ann');
    const product = (await newProduct()).json.id;
    for (const [route, id, patch] of [
      ['/users/{id}', ann, { username: 'x' }],
      ['/products/{id}', product, { stock: 0 }],
    ] as const) {
      const nested = await api('PATCH', route, { token: root, params: { id }, body: { patch } });
      expect(nested).toMatchObject({ status: 400, json: { code: 'BAD_REQUEST' } });
      expect(nested.json.data.zodError.fieldErrors.patch).toEqual([expect.stringContaining('send the fields flat')]);
    }
    expect((await api('GET', '/users/{id}', { token: root, params: { id: ann } })).json.username).toBe('ann');
    expect((await api('GET', '/products/{id}', { params: { id: product } })).json.stock).toBe(0);
  });

  it('names the body’s own fields in errors (price, not patch.price), and refuses an empty patch', async () => {
    const product = (await newProduct()).json.id;
    const bad = await api('PATCH', '/products/{id}', {
      token: root,
      params: { id: product },
      body: { price: '1.005' },
    });
    expect(bad).toMatchObject({ status: 400, json: { code: 'BAD_REQUEST' } });
    expect(Object.keys(bad.json.data.zodError.fieldErrors)).toEqual(['price']);
    expect(bad.json.message).toMatch(/→ at price$/);
    const empty = await api('PATCH', '/products/{id}', { token: root, params: { id: product }, body: {} });
    expect(empty).toMatchObject({
      status: 400,
      json: { data: { zodError: { formErrors: ['nothing to update'], fieldErrors: {} } } },
    });
  });

  it('leaves tRPC’s input as it was: { id, patch }', async () => {
    const ann = await newUser('ann');
    const trpc = callerFor(db(), { token: root });
    expect((await trpc.users.update({ id: ann, patch: { username: 'annie' } })).username).toBe('annie');
    await expect(
      trpc.users.update({ id: ann, username: 'x' } as unknown as Parameters<typeof trpc.users.update>[0]),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('is what the document describes: every JSON body is the fields themselves', () => {
    const document = openApiDocument() as unknown as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
    };
    type Schema = { properties?: Record<string, Schema>; type?: unknown; minProperties?: number };
    const body = (path: string, method: string) =>
      document.paths[path]?.[method]?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(body('/users/{id}', 'patch')?.properties ?? {}).sort()).toEqual(
      ['email', 'isActive', 'password', 'username'].sort(),
    );
    expect(body('/users/{id}', 'patch')?.minProperties).toBe(1);
    expect(body('/products/{id}', 'patch')?.properties?.price).toBeDefined();
    expect(body('/users/{id}', 'put')).toMatchObject({ required: ['username', 'email'] });
    // No route nests its fields under one object property any more (as `{ "patch": {…} }` did).
    const wrappers = restProcedures().flatMap(([, p]) => {
      const { method, path } = p._def.meta.openapi;
      const properties = Object.values(body(path, method.toLowerCase())?.properties ?? {});
      return properties.length === 1 && properties[0]?.type === 'object' ? [`${method} ${path}`] : [];
    });
    expect(wrappers).toEqual([]);
  });
});

describe('money as a JSON number over REST', () => {
  it('takes a number with at most two decimals: 12.5 is a price that reads back "12.50"', async () => {
    const created = await newProduct(12.5);
    expect(created).toMatchObject({ status: 201, json: { price: '12.50' } });
    expect((await api('GET', '/products/{id}', { params: { id: created.json.id } })).json.price).toBe('12.50');
    const patched = await api('PATCH', '/products/{id}', {
      token: root,
      params: { id: created.json.id },
      body: { price: 7 },
    });
    expect(patched.json.price).toBe('7.00');
    const bulk = await api('POST', '/products/bulk', {
      token: root,
      body: { products: [{ name: 'Globe', price: 0.1, categoryId }] },
    });
    expect(bulk).toMatchObject({ status: 201, json: { created: 1 } });
  });

  it('takes numbers for amounts and deposits too', async () => {
    const ann = await newUser('ann');
    const bob = await newUser('bob');
    const account = await api('POST', '/accounts', { token: root, body: { ownerId: ann, initialDeposit: 10 } });
    expect(account).toMatchObject({ status: 201, json: { balance: '10.00' } });
    const other = (await api('POST', '/accounts', { token: root, body: { ownerId: bob } })).json.id;
    const deposit = await api('POST', '/accounts/{accountId}/deposit', {
      token: root,
      params: { accountId: account.json.id },
      body: { amount: 2.25, reason: 'a voucher' },
    });
    expect(deposit.json.balance).toBe('12.25');
    const transfer = await api('POST', '/transfers', {
      token: root,
      body: { fromAccountId: account.json.id, toAccountId: other, amount: 2.5 },
      headers: { 'idempotency-key': 'number-amount-1' },
    });
    expect(transfer).toMatchObject({ status: 201, json: { transfer: { amount: '2.50' } } });
  });

  it('refuses 12.345, 1e400, negative and huge numbers with a 400 naming the field, never rounding', async () => {
    for (const [price, shown] of [
      ['12.345', '12.345'],
      ['1e400', 'Infinity'],
      ['-1e400', 'Infinity'],
      ['1e21', '1e+21'],
      ['0.0000001', '1e-7'],
    ]) {
      const refused = await api('POST', '/products', {
        token: root,
        rawBody: `{"name":"Atlas","price":${price},"categoryId":${categoryId}}`,
      });
      expect(refused, price).toMatchObject({ status: 400, json: { code: 'BAD_REQUEST' } });
      expect(Object.keys(refused.json.data.zodError.fieldErrors), price).toEqual(['price']);
      expect(refused.json.message, price).toContain(shown);
      expect(refused.json.message, price).toMatch(/at most 2 decimal places.*→ at price$/);
    }
    for (const price of [-1, 123_456_789]) {
      const refused = await newProduct(price); // the schema's own words: no sign, 8 digits before the point
      expect(Object.keys(refused.json.data.zodError.fieldErrors), String(price)).toEqual(['price']);
    }
    const line = await api('POST', '/products/bulk', {
      token: root,
      body: {
        products: [
          { name: 'Globe', price: 1, categoryId },
          { name: 'Map', price: 3.999, categoryId },
        ],
      },
    });
    expect(line).toMatchObject({ status: 400 });
    expect(line.json.message).toMatch(/→ at products\[1\]\.price$/);
    const patch = await api('PATCH', '/products/{id}', {
      token: root,
      params: { id: (await newProduct()).json.id },
      body: { price: 1.005 },
    });
    expect(Object.keys(patch.json.data.zodError.fieldErrors)).toEqual(['price']);
    expect((await api('GET', '/products', {})).json.items.map((p: { price: string }) => p.price)).toEqual(['10.00']);
  });

  it('leaves other numbers alone (a stock sent as "3" is still a 400) and tRPC with strings only', async () => {
    const stock = await api('POST', '/products', {
      token: root,
      body: { name: 'Atlas', price: '1.00', stock: '3', categoryId },
    });
    expect(Object.keys(stock.json.data.zodError.fieldErrors)).toEqual(['stock']);
    const trpc = callerFor(db(), { token: root });
    await expect(
      trpc.products.create({ name: 'Atlas', price: 12.5 as unknown as string, categoryId }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('is what the document describes: money fields take a string or a number', () => {
    const document = openApiDocument() as unknown as {
      paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: never }> } }>>;
    };
    const schema = (path: string, method: string) =>
      document.paths[path]?.[method]?.requestBody.content['application/json']?.schema as unknown as {
        properties: Record<string, { type: unknown; description: string }>;
      };
    for (const [path, method, field] of [
      ['/products', 'post', 'price'],
      ['/products/{id}', 'patch', 'price'],
      ['/transfers', 'post', 'amount'],
      ['/accounts', 'post', 'initialDeposit'],
    ] as const) {
      const money = schema(path, method).properties[field];
      expect(money?.type, `${method} ${path} ${field}`).toEqual(['string', 'number']);
      expect(money?.description).toContain('at most 2 decimal places');
    }
  });
});

describe('the reference page at /api/docs', () => {
  it('names no other host and turns off what leads to Scalar’s services', async () => {
    const response = await fetch(`${base}/docs/`);
    const html = await response.text();
    const hosts = [...html.matchAll(/(?:https?:)?\/\/([\w.-]+(?::\d+)?)/g)].map(([, host]) => host);
    expect(hosts.filter((host) => !/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host ?? ''))).toEqual([]);
    // Its scripts are this server's: the Scalar bundle by a relative path, and the inline call.
    const sources = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map(([, src]) => src);
    expect(sources).toEqual(['js/scalar.js']);
    expect((await fetch(`${base}/docs/js/scalar.js`)).status).toBe(200);
    // The options that remove "Ask AI", "Generate SDK", "Deploy" and the other buttons, as the page passes them.
    const configuration = JSON.parse(/createApiReference\('#app', (\{[\s\S]*?\n\s*\})\)/.exec(html)?.[1] ?? '{}');
    expect(configuration).toMatchObject({
      withDefaultFonts: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      hideClientButton: true,
      showDeveloperTools: 'never',
      telemetry: false,
    });
    const { pageTitle, ...passed } = DOCS_PAGE;
    expect(configuration).toMatchObject(JSON.parse(JSON.stringify(passed)));
    expect(html).toContain(`<title>${pageTitle}</title>`);
  });

  it('is served under a CSP that lets the page reach no other host', async () => {
    const response = await fetch(`${base}/docs/`);
    const policy = response.headers.get('content-security-policy') ?? '';
    const sources = policy
      .split(';')
      .flatMap((directive) => directive.trim().split(/\s+/).slice(1))
      .filter((source) => !/^('self'|'none'|'unsafe-inline'|'sha256-[\w+/=]+'|data:)$/.test(source));
    expect(policy).toContain("connect-src 'self'");
    expect(sources).toEqual([]);
  });
});
