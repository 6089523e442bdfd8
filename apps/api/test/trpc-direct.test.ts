// The direct path for tRPC calls (src/http/trpc-direct.ts) against tRPC's own fastify handler: two
// servers, each on a database of its own filled the same way, get the same requests in the same order, and
// must answer the same status, headers and body. Inputs come from the fuzz suite's arbitraries (valid,
// corrupted, hostile values and raw wire variants: batches, wrong methods, content types, odd queries), so
// success and error answers of every procedure are compared, single and batched.
//
// Only what differs between two databases is normalized: timestamps (rows are created at different
// instants), sign-in tokens (random), the process uptime and the database's latency.
import { createHash } from 'node:crypto';
import {
  Account,
  Category,
  type EntityManager,
  hashPassword,
  Product,
  Role,
  Session,
  Transfer,
  User,
  UserProfile,
} from '@shop/db';
import { createTestDatabase, type TestDatabase, testDialect, useTestDatabase } from '@shop/db/testing';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiApp, createApiServer } from '../src/http/server.ts';
import { appRouter } from '../src/trpc/router.ts';
import { type Caller, fuzzCaseArbitrary, inputSchemaOf, renderRequest } from './support/fuzz-inputs.ts';

const { db } = useTestDatabase();
let twin: TestDatabase | null = null;
beforeAll(async () => {
  twin = await createTestDatabase(testDialect).catch(() => null);
}, 60_000);
afterAll(async () => {
  await twin?.destroy();
});

const RUNS = Number(process.env.DIRECT_RUNS ?? 25);
const SEED = Number(process.env.DIRECT_SEED ?? 20_261_204);

interface ProcedureDef {
  _def: { type: 'query' | 'mutation' | 'subscription'; inputs: unknown[] };
}
const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;
const routers = [...new Set(Object.keys(procedures).map((path) => path.split('.')[0]!))].sort();

// Fixed bearer tokens (stored as their SHA-256, as auth.login does): the same on both databases.
const TOKENS = { customer: 'customer-token-0123456789abcdef', admin: 'admin-token-0123456789abcdef01' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
let customerHash: Promise<string> | undefined;

/** The same rows on a database: two customers and an admin with sessions, a catalog, accounts, a ledger. */
async function fill(em: EntityManager) {
  customerHash ??= hashPassword('customer-password');
  const roles = { admin: em.create(Role, { name: 'admin' }), customer: em.create(Role, { name: 'customer' }) };
  const user = (name: string, role: 'admin' | 'customer', passwordHash: string | null = null) => {
    const entity = em.create(User, { username: name, email: `${name}@example.com`, passwordHash });
    entity.roles.add(roles[role]);
    return entity;
  };
  const customer = user('customer', 'customer', await customerHash);
  const other = user('other', 'customer');
  const admin = user('admin', 'admin');
  const expiresAt = new Date(Date.now() + 3_600_000);
  em.create(Session, { user: customer, tokenHash: sha256(TOKENS.customer), expiresAt });
  em.create(Session, { user: admin, tokenHash: sha256(TOKENS.admin), expiresAt });
  const books = em.create(Category, { name: 'Books' });
  em.create(Category, { name: '%_\\ empty' });
  em.create(Product, {
    name: 'Novel',
    price: '10.00',
    category: books,
    metadata: { pages: 320 },
    stock: 1000,
    inStock: true,
  });
  em.create(Product, { name: '100% _Atlas_', price: '0.00', category: books, stock: 0, inStock: false });
  const accounts = [
    em.create(Account, { owner: customer, balance: '101.50' }),
    em.create(Account, { owner: other, balance: '98.50' }),
  ];
  for (const account of accounts) {
    em.create(Transfer, { kind: 'top_up', fromAccount: null, toAccount: account, amount: '100.00', reason: 'opening' });
  }
  em.create(Transfer, { fromAccount: accounts[1]!, toAccount: accounts[0]!, amount: '1.50' });
  em.create(UserProfile, { user: other, firstName: 'Bob', bio: 'other' });
  await em.flush();
}

const STRINGS: Record<string, string[]> = {
  username: ['customer', 'other', 'admin'],
  email: ['customer@example.com', 'admin@example.com'],
  identifier: ['customer', 'customer@example.com'],
  password: ['customer-password'],
  role: ['admin', 'customer'],
  name: ['Books', 'Novel', '100% _Atlas_'],
};
/** Ids 1–12 exist for most tables of the fixture (both databases give the same ones). */
const pools = (name: string): readonly unknown[] => {
  if (name === 'id') return [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  if (name === 'userId' || name === 'ownerId') return [1, 2, 3];
  return STRINGS[name] ?? ['Books', 'customer', 'x'];
};

const silent = pino({ level: 'silent' });
let direct: ApiApp | undefined;
let adapter: ApiApp | undefined;

beforeEach(async (context) => {
  if (!twin) return context.skip();
  await twin.clear();
  await fill(db().orm.em.fork());
  await fill(twin.orm.em.fork());
  direct = createApiServer({ orm: db().orm, log: silent }).app;
  adapter = createApiServer({ orm: twin.orm, log: silent, directTrpcCalls: false }).app;
  await Promise.all([direct.ready(), adapter.ready()]);
});
afterEach(async () => {
  await Promise.all([direct?.close(), adapter?.close()]);
});

interface Sent {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

// Headers the two paths may differ in: per request (id, date), or framing (the adapter streams its Response,
// so it is chunked; the direct path knows the length).
const FRAMING = new Set(['x-request-id', 'date', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);
const normalize = (body: string) =>
  body
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/"token":"[\w-]{20,}"/g, '"token":"<token>"')
    .replace(/"uptimeSeconds":\d+/g, '"uptimeSeconds":0')
    .replace(/"databaseLatencyMs":[\d.]+/g, '"databaseLatencyMs":0')
    // A limiter's wait, counted down in seconds between the two requests.
    .replace(/retry in \d+s/g, 'retry in <n>s');
// The mutations of one batch run side by side (on either path: such batches are left to the adapter), so
// which of two commits first, and gets the lower id or the conflict, is the database's choice: their answers
// are compared as a set.
const racing = (request: Sent) => request.method === 'POST' && request.url.includes('batch=1');
const comparable = (response: LightMyRequestResponse, request: Sent) => {
  let body = normalize(response.body);
  if (racing(request) && body.startsWith('[')) {
    const answers = (JSON.parse(body) as unknown[]).map((answer) => JSON.stringify(answer));
    body = JSON.stringify(answers.sort().map((answer) => JSON.parse(answer)));
  }
  return {
    status: response.statusCode,
    headers: Object.fromEntries(Object.entries(response.headers).filter(([name]) => !FRAMING.has(name))),
    body,
  };
};
/** Answered by trpc-direct.ts: a body written whole (the adapter's Response is streamed, chunked). */
const answeredDirectly = (response: LightMyRequestResponse) => response.headers['transfer-encoding'] === undefined;

/** The request to both servers; the answers compared. Returns whether the direct path answered it. */
async function both(request: Sent): Promise<boolean> {
  const fromDirect = await direct!.inject(request);
  const fromAdapter = await adapter!.inject(request);
  expect(
    comparable(fromDirect, request),
    `${request.method} ${request.url} ${request.payload ?? ''}`.slice(0, 600),
  ).toEqual(comparable(fromAdapter, request));
  expect(answeredDirectly(fromAdapter)).toBe(false);
  return answeredDirectly(fromDirect);
}

const bearer = (caller: Caller): Record<string, string> =>
  caller === 'anonymous' ? {} : { authorization: `Bearer ${TOKENS[caller]}` };

// Generated batches the direct path answered (compared with the adapter's answers like every other case).
let batchedDirectly = 0;

describe('the direct path answers tRPC calls, single and batched, as tRPC’s fastify handler does', () => {
  for (const router of routers) {
    it(`for every procedure of ${router}, with generated inputs`, { timeout: 240_000 }, async () => {
      for (const path of Object.keys(procedures).filter((p) => p.startsWith(`${router}.`))) {
        const { type, inputs } = procedures[path]!._def;
        if (type === 'subscription') continue;
        let directly = 0;
        await fc.assert(
          fc.asyncProperty(fuzzCaseArbitrary(inputSchemaOf(inputs)), async (fuzzCase) => {
            const rendered = renderRequest(path, type, fuzzCase.wire, pools);
            const authorization =
              fuzzCase.authorization !== undefined
                ? { authorization: fuzzCase.authorization }
                : bearer(fuzzCase.caller);
            // Multipart bodies are streamed from a socket by tRPC's adapter: the fuzz suite covers them.
            if (rendered.headers['content-type']?.startsWith('multipart/')) return;
            const sent = await both({
              method: rendered.method,
              url: rendered.url,
              headers: { ...rendered.headers, ...authorization },
              ...(rendered.payload === undefined ? {} : { payload: rendered.payload }),
            });
            if (sent) directly++;
            if (sent && rendered.url.includes('batch=1')) batchedDirectly++;
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true },
        );
        // The comparison would prove nothing if every case fell back to the adapter.
        expect(directly, `${path}: cases answered by the direct path`).toBeGreaterThan(0);
      }
    });
  }

  it('answered generated batches itself (the comparisons above covered batches)', () => {
    if (!twin) return;
    expect(batchedDirectly).toBeGreaterThan(0);
  });

  it('answers the ordinary calls itself, and leaves what it cannot answer exactly to the adapter', async () => {
    const admin = bearer('admin');
    const json = { 'content-type': 'application/json' };
    const byId = (input: string) => `/trpc/products.byId?input=${encodeURIComponent(input)}`;
    const batchOf = (paths: string[], inputs: unknown[]) =>
      `/trpc/${paths.join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify({ ...inputs.map((json) => ({ json })) }))}`;
    const cases: [Sent, boolean][] = [
      [{ method: 'GET', url: byId('{"json":{"id":1}}') }, true],
      [{ method: 'GET', url: byId('{"json":{"id":999}}') }, true], // 404
      [{ method: 'GET', url: byId('{"json":{"id":"1"}}') }, true], // 400 with zod's issues
      [{ method: 'GET', url: byId('{"json":') }, true], // not JSON
      [{ method: 'GET', url: '/trpc/products.byId?input=' }, true], // empty input
      [
        { method: 'GET', url: '/trpc/products.list?input=%7B%22json%22%3A%7B%22nameContains%22%3A%22a+b%22%7D%7D' },
        true,
      ],
      [{ method: 'GET', url: '/trpc/health.live' }, true],
      [{ method: 'GET', url: '/trpc/auth.me' }, true], // 401
      [{ method: 'GET', url: '/trpc/users.list', headers: admin }, true],
      [
        {
          method: 'POST',
          url: '/trpc/categories.create',
          headers: { ...json, ...admin },
          payload: '{"json":{"name":"Toys"}}',
        },
        true,
      ],
      [
        {
          method: 'POST',
          url: '/trpc/categories.create',
          headers: { ...json, ...admin },
          payload: '{"json":{"name":"Toys"}}',
        },
        true,
      ], // 409
      [
        {
          method: 'POST',
          url: '/trpc/auth.login',
          headers: json,
          payload: '{"json":{"identifier":"customer","password":"customer-password"}}',
        },
        true,
      ],
      // Batches (httpBatchLink): one answer per call, 207 when their statuses differ.
      [{ method: 'GET', url: batchOf(['products.byId', 'products.byId'], [{ id: 1 }, { id: 2 }]) }, true],
      [{ method: 'GET', url: batchOf(['products.byId', 'products.list'], [{ id: 999 }, { perPage: 2 }]) }, true],
      [{ method: 'GET', url: batchOf(['products.byId', 'auth.me'], [{ id: 1 }]) }, true], // 200 and 401: 207
      [{ method: 'GET', url: '/trpc/products.byId,products.byId?batch=1&input=%7B%7D' }, true], // no inputs
      [{ method: 'GET', url: '/trpc/health.live,health.live?batch=1' }, true],
      // Left to the adapter:
      [
        {
          method: 'POST',
          url: '/trpc/categories.create,categories.create?batch=1',
          headers: { ...json, ...admin },
          payload: '{"0":{"json":{"name":"Games"}},"1":{"json":{"name":"Games"}}}',
        },
        false,
      ], // a batch of mutations (its calls race each other)
      [{ method: 'GET', url: `${byId('{"json":{"id":1}}')}&batch=0` }, false], // another query parameter
      [{ method: 'GET', url: batchOf(Array(21).fill('products.byId'), []) }, false], // over maxBatchSize
      [{ method: 'GET', url: batchOf(['products.byId', 'no.such'], [{ id: 1 }]) }, false],
      [{ method: 'GET', url: batchOf(['products.byId', 'categories.create'], [{ id: 1 }]) }, false], // types mixed
      [{ method: 'GET', url: '/trpc/products.byId,products.byId?batch=1&input=%5B%5D' }, false], // not an object
      [{ method: 'GET', url: '/trpc/products.byId,products.byId?batch=1&input=%7B' }, false], // not JSON
      [{ method: 'GET', url: '/trpc/products.byId?batch=1&batch=1' }, false],
      [{ method: 'GET', url: byId('{"json":{"id":1}}'), headers: { 'trpc-accept': 'application/jsonl' } }, false],
      // The router decodes the path once (by%49d: byId, answered here); tRPC decodes it again (by%2549d).
      [{ method: 'GET', url: `/trpc/products.by%49d?input=${encodeURIComponent('{"json":{"id":1}}')}` }, true],
      [{ method: 'GET', url: `/trpc/products.by%2549d?input=${encodeURIComponent('{"json":{"id":1}}')}` }, false],
      [{ method: 'POST', url: '/trpc/products.byId', headers: json, payload: '{"json":{"id":1}}' }, false], // method
      [{ method: 'GET', url: '/trpc/categories.create' }, false],
      [
        {
          method: 'POST',
          url: '/trpc/categories.create',
          headers: { ...admin, 'content-type': 'text/plain' },
          payload: '{}',
        },
        false,
      ],
      [{ method: 'POST', url: '/trpc/categories.create', headers: admin }, false], // no content type, no body
      [
        {
          method: 'POST',
          url: '/trpc/categories.create',
          headers: { ...json, ...admin },
          payload: '\uFEFF{"json":{"name":"BOM"}}',
        },
        false,
      ],
      // Bytes that are not UTF-8 read as U+FFFD on both paths.
      [
        {
          method: 'POST',
          url: '/trpc/categories.create',
          headers: { ...json, ...admin },
          payload: Buffer.from([...Buffer.from('{"json":{"name":"'), 0xff, 0xfe, ...Buffer.from('"}}')]),
        },
        true,
      ],
      [
        {
          method: 'POST',
          url: '/trpc/categories.create?x=1',
          headers: { ...json, ...admin },
          payload: '{"json":{"name":"Q"}}',
        },
        false,
      ],
      [{ method: 'GET', url: '/trpc/no.such' }, false],
    ];
    for (const [request, expected] of cases) {
      expect(
        await both(request),
        `${request.method} ${request.url} ${String(request.payload ?? '')} answered directly`,
      ).toBe(expected);
    }
  });
});
