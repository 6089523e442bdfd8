// Hostile envelopes against every procedure, deterministically (the fuzz suite samples them): superjson meta
// that would overflow superjson's stack or reach a prototype, null envelopes and null batch entries, deep
// nesting, and, over REST, query keys named after Object.prototype members. Each must be a 400 in the API's
// own words (no JavaScript engine text) and cost no more CPU than an ordinary call.
import { useTestDatabase } from '@shop/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { restProcedures } from '../src/http/openapi.ts';
import { type ApiApp, createApiServer } from '../src/http/server.ts';
import { appRouter } from '../src/trpc/router.ts';
import { signedInUser } from './caller.ts';
import { ENGINE_LEAKS } from './support/leaks.ts';

const { db } = useTestDatabase();
let app: ApiApp;
/** An admin's bearer token: every procedure gets as far as reading its input. */
let authorization = '';
beforeAll(async () => {
  app = createApiServer({ orm: db().orm, log: pino({ level: 'silent' }) }).app;
  await app.ready();
});
// The tables are emptied between tests: a new admin each time.
beforeEach(async () => {
  authorization = `Bearer ${(await signedInUser(db(), 'root', ['admin'])).token}`;
});
afterAll(() => app.close());

const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { type: string; inputs: unknown[] } }
>;
/** The procedures that read an input (the others never decode one). */
const paths = Object.keys(procedures)
  .filter((path) => (procedures[path]?._def.inputs.length ?? 0) > 0)
  .sort();

const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** Payloads of one call, each refused: `{…}` is the `input` parameter of a query or the body of a mutation. */
const ENVELOPES: Record<string, string> = {
  'bare string annotation': '{"json":{"perPage":5},"meta":{"values":{"perPage":"Date"}}}',
  'bare string at the root': '{"json":{"id":1},"meta":{"values":"Date"}}',
  'typed-array annotation': '{"json":{"id":1},"meta":{"values":{"id":[["typed-array","Int8Array"]]}}}',
  'custom annotation': '{"json":{"id":1},"meta":{"values":{"id":[["custom","Nope"]]}}}',
  'bigint annotation': '{"json":{"id":{}},"meta":{"values":{"id":["bigint"]}}}',
  'map node': '{"json":{"id":1},"meta":{"values":{"id":["map",{"0.0":["Date"]}]}}}',
  'prototype path': '{"json":{},"meta":{"values":{"__proto__.polluted":["undefined"]}}}',
  'constructor path': '{"json":{},"meta":{"values":{"constructor.prototype.x":["Date"]}}}',
  'sparse array index': '{"json":{"lines":[]},"meta":{"values":{"lines.99999999":["undefined"]}}}',
  'null envelope': 'null',
  'null meta': '{"json":{},"meta":null}',
  'array envelope': '[{"json":{}}]',
  'annotations nested 2,000 levels': `{"json":{"id":1},"meta":{"values":${deep(2_000)}}}`,
  'annotation arrays nested 2,000 levels': `{"json":{"id":1},"meta":{"values":{"id":${'["Date",'.repeat(2_000)}{}${']'.repeat(2_000)}}}}`,
  'json nested 2,000 levels': `{"json":${deep(2_000)}}`,
};

function request(path: string, payload: string) {
  if (procedures[path]?._def.type === 'query') {
    return app.inject({
      method: 'GET',
      url: `/trpc/${path}?input=${encodeURIComponent(payload)}`,
      headers: { authorization },
    });
  }
  return app.inject({
    method: 'POST',
    url: `/trpc/${path}`,
    headers: { 'content-type': 'application/json', authorization },
    payload,
  });
}

function engineText(body: string): string[] {
  return ENGINE_LEAKS.filter((pattern) => pattern.test(body)).map(String);
}

/** CPU microseconds (user + system) of this test process (its server runs in it: inject) while `work` runs. */
async function cpuOf(work: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

describe('hostile tRPC envelopes', () => {
  it.each(Object.entries(ENVELOPES))(
    '%s: 400 on every procedure with input, in the API’s own words',
    async (_name, payload) => {
      const problems: string[] = [];
      for (const path of paths) {
        const response = await request(path, payload);
        if (response.statusCode !== 400)
          problems.push(`${path}: ${response.statusCode} ${response.body.slice(0, 200)}`);
        const leaks = engineText(response.body);
        if (leaks.length) problems.push(`${path}: engine text ${leaks.join(' ')} in ${response.body.slice(0, 200)}`);
      }
      expect(problems).toEqual([]);
    },
  );

  it('a null batch entry and a bare-string annotation in a batch are refused per call', async () => {
    for (const input of ['{"0":null}', '{"0":{"json":{"id":1},"meta":{"values":{"id":"Date"}}}}']) {
      const response = await app.inject({
        method: 'GET',
        url: `/trpc/products.byId,products.byId?batch=1&input=${encodeURIComponent(input)}`,
      });
      expect(response.statusCode).toBe(400);
      const [first] = JSON.parse(response.body) as { error: { json: { message: string } } }[];
      expect(first?.error.json.message).toMatch(/^malformed input: /);
      expect(engineText(response.body)).toEqual([]);
    }
  });

  it('takes what a superjson client sends (an undefined annotation on an optional field)', async () => {
    const input = { json: { perPage: 5 }, meta: { values: { nameContains: ['undefined'] }, v: 1 } };
    const response = await request('products.list', JSON.stringify(input));
    expect(response.statusCode).toBe(200);
  });

  it('costs no more CPU to refuse, for every envelope, than an ordinary call of its size (medians of 15)', async () => {
    // An ordinary call as long as the envelope in its URL (an undeclared field, dropped by zod, of characters
    // that are percent-encoded like the envelope's brackets), so size costs alike.
    const ordinary = (payload: string) => {
      const base = '{"json":{"perPage":5,"pad":""}}';
      const missing = encodeURIComponent(payload).length - encodeURIComponent(base).length;
      return `{"json":{"perPage":5,"pad":"${'['.repeat(Math.max(0, Math.ceil(missing / 3)))}"}}`;
    };
    // Both calls alternate, so whatever else the machine does weighs on both alike.
    const cpu = async (payload: string, baseline: string) => {
      for (let i = 0; i < 10; i++) {
        await request('products.list', baseline); // JIT, statement caches
        await request('products.list', payload);
      }
      const normal: number[] = [];
      const refused: number[] = [];
      for (let i = 0; i < 15; i++) {
        normal.push(await cpuOf(() => request('products.list', baseline)));
        refused.push(await cpuOf(() => request('products.list', payload)));
      }
      return { normal: median(normal), refused: median(refused) };
    };
    const costly: string[] = [];
    // Before: the bare-string and nested annotations cost ~17 ms each (superjson recursing to a stack overflow).
    for (const [name, payload] of Object.entries(ENVELOPES)) {
      const { normal, refused } = await cpu(payload, ordinary(payload));
      if (refused > 2 * normal) costly.push(`${name}: ${refused} µs vs ${normal} µs`);
    }
    expect(costly).toEqual([]);
  });
});

describe('REST query keys named after Object.prototype members', () => {
  const KEYS = [
    'constructor',
    'toString',
    'valueOf',
    'hasOwnProperty',
    '__proto__',
    'isPrototypeOf',
    '__defineGetter__',
  ];
  it('are refused with 400 in the Error shape on every route that takes input, anonymous', async () => {
    const problems: string[] = [];
    const routes = restProcedures().filter(([, p]) => ['GET', 'DELETE'].includes(p._def.meta.openapi.method));
    expect(routes.length).toBeGreaterThan(10);
    for (const [path, procedure] of routes) {
      const { method, path: route } = procedure._def.meta.openapi;
      const url = `/api${route.replace(/\{\w+\}/g, '1')}`;
      for (const key of KEYS) {
        const response = await app.inject({ method: method as 'GET', url: `${url}?${key}=1` });
        if (response.statusCode >= 500) problems.push(`${path} ?${key}: ${response.statusCode} ${response.body}`);
        if (engineText(response.body).length) problems.push(`${path} ?${key}: engine text ${response.body}`);
        // A route that takes input refuses the key before anything else (even before sign-in); one without
        // input ignores its query.
        if ((procedure._def as { inputs: unknown[] }).inputs.length === 0) continue;
        const body = response.json() as { message?: string; code?: string };
        if (response.statusCode !== 400 || body.code !== 'BAD_REQUEST' || typeof body.message !== 'string')
          problems.push(`${path} ?${key}: ${response.statusCode} ${response.body}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers an unknown REST route in the Error shape (PUT where only PATCH exists, a mistyped path)', async () => {
    for (const [method, url] of [
      ['PUT', '/api/products/1'],
      ['GET', '/api/productz'],
      ['DELETE', '/api/orders/1'],
    ] as const) {
      const response = await app.inject({ method, url });
      expect(response.statusCode).toBe(404);
      // Before: {"error": "not found: …"}, outside the documented Error shape.
      expect(response.json()).toMatchObject({
        code: 'NOT_FOUND',
        message: `no route ${method} ${url}: the routes are listed at /api/docs`,
        data: { code: 'NOT_FOUND', httpStatus: 404 },
      });
    }
  });

  it('names the unknown key and the ones the route takes', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/products?constructor=1' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^unknown query parameter "constructor": this route takes .*perPage/),
    });
  });
});
