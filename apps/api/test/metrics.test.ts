// /metrics (process/metrics.ts), scraped as Prometheus would: the request histogram labelled by procedure
// (single tRPC calls, batches, REST routes, docs, unknown URLs: a bounded set whatever clients send), each
// call's outcome, transfers and checkouts counted once (replays apart), the database pools (the primary, and
// MikroORM read replicas) and the replicas' lag. Then `node apps/api/src/main.ts` with METRICS_PORT: served
// on that port only, behind METRICS_TOKEN when set, and with API_WORKERS=2 one scrape sums both workers.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { MikroORM } from '@mikro-orm/core';
import {
  createCategory,
  createProduct,
  createUsers,
  type DatabaseTarget,
  login,
  type Orm,
  openAccount,
  ormConfig,
} from '@shop/db';
import { skipWithoutDatabase, testDialect, useTestDatabase } from '@shop/db/testing';
import { freePort } from '@shop/db/testing/ports';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, createApiServer } from '../src/http/server.ts';
import { loadApiSettings } from '../src/process/env.ts';
import { type ApiMetrics, createApiMetrics } from '../src/process/metrics.ts';
import { type MetricsServer, serveMetrics } from '../src/process/metrics-server.ts';
import { type ApiProcess, startApiProcess } from '../src/testing/api-process.ts';
import { type SharedDatabase, sharedDatabase } from './support/shared-database.ts';

const log = pino({ level: 'silent' });

// ---- The text format --------------------------------------------------------------------------------------

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus' text exposition format, sample lines only (`name{label="value",…} number`). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key = '', value = ''] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : Number(match[3]);
    samples.push({ name: match[1] as string, labels, value });
  }
  return samples;
}

/** The samples of `name` whose labels include `labels`. */
const matching = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

/** The sum of those samples (undefined when there is none: absent is not zero). */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = matching(samples, name, labels);
  return found.length ? found.reduce((sum, s) => sum + s.value, 0) : undefined;
}

/** How many requests the histogram holds for these labels. */
const requests = (samples: Sample[], labels: Record<string, string>) =>
  total(samples, 'http_request_duration_seconds_count', labels) ?? 0;

/** GET over a connection of its own (no keep-alive: node:cluster hands each connection to the next worker). */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, headers }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body, type: String(response.headers['content-type']) }),
        );
      })
      .on('error', reject);
  });
}

// ---- One process, in this one: what is recorded ----------------------------------------------------------

describe('the metrics of one API process', () => {
  const { db, em } = useTestDatabase();

  interface Running {
    api: ApiServer;
    origin: string;
    metrics: ApiMetrics;
    scraper: MetricsServer;
    scrape(): Promise<Sample[]>;
    close(): Promise<void>;
  }

  async function serve(orm: Orm): Promise<Running> {
    const metrics = await createApiMetrics(orm);
    const api = createApiServer({ orm, log, metrics });
    const url = await api.listen(0, '127.0.0.1');
    const scraper = await serveMetrics({
      host: '127.0.0.1',
      port: 0,
      scrape: () => metrics.registry.metrics(),
      contentType: metrics.registry.contentType,
      log,
    });
    return {
      api,
      origin: url.replace(/\/trpc$/, ''),
      metrics,
      scraper,
      async scrape() {
        const answer = await get(scraper.url);
        expect(answer.status).toBe(200);
        expect(answer.type).toBe('text/plain; version=0.0.4; charset=utf-8');
        return parseMetrics(answer.body);
      },
      async close() {
        await scraper.close();
        await api.close();
      },
    };
  }

  async function shop() {
    const [user] = await createUsers(em(), [
      { username: 'metered', email: 'metered@example.com', password: 'metered-password' },
    ]);
    if (!user) throw new Error('no user');
    const from = await openAccount(em(), user.id, '100.00', 'any');
    const to = await openAccount(em(), user.id, '0.00', 'any');
    const session = await login(em(), 'metered', 'metered-password');
    if (!session) throw new Error('sign-in failed');
    const category = await createCategory(em(), 'Gauges');
    const product = await createProduct(em(), { name: 'Dial', price: '2.50', stock: 10, categoryId: category.id });
    return { token: session.token, from: from.id, to: to.id, productId: product.id };
  }

  it('labels each request by its procedure, and counts calls, transfers and checkouts', async () => {
    const { token, from, to, productId } = await shop();
    const running = await serve(db().orm);
    try {
      const { origin } = running;
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));
      const send = async (path: string, init?: RequestInit) => {
        const response = await fetch(`${origin}${path}`, init);
        await response.arrayBuffer();
        return response.status;
      };
      const transfer = (key: string) => ({ fromAccountId: from, toAccountId: to, amount: '1.00', idempotencyKey: key });

      expect(await send(`/trpc/products.byId?input=${input({ json: { id: productId } })}`)).toBe(200);
      expect(await send(`/trpc/products.byId?input=${input({ json: { id: 999_999 } })}`)).toBe(404);
      for (let i = 0; i < 2; i++) {
        // The second is a replay of the first: answered again, nothing moved.
        const body = JSON.stringify({ json: transfer('metrics-transfer-1') });
        expect(await send('/trpc/accounts.transfer', { method: 'POST', headers: auth, body })).toBe(200);
      }
      for (let i = 0; i < 2; i++) {
        const body = JSON.stringify({ accountId: from, lines: [{ productId, quantity: 1 }] });
        const headers = { ...auth, 'idempotency-key': 'metrics-checkout-1' };
        expect(await send('/api/orders', { method: 'POST', headers, body })).toBe(201);
      }
      // A batch of two transfers and one that is refused (not enough money): two counted.
      const batch = { 0: { json: transfer('metrics-batch-1') }, 1: { json: transfer('metrics-batch-2') } };
      const refused = { 2: { json: { ...transfer('metrics-batch-3'), amount: '5000.00' } } };
      const batchPath = '/trpc/accounts.transfer,accounts.transfer,accounts.transfer?batch=1';
      const batchBody = JSON.stringify({ ...batch, ...refused });
      expect(await send(batchPath, { method: 'POST', headers: auth, body: batchBody })).toBe(207);
      const reads = `/trpc/products.byId,categories.list?batch=1&input=${input({ 0: { json: { id: productId } } })}`;
      expect(await send(reads)).toBe(200);
      expect(await send('/api/categories')).toBe(200);
      expect(await send(`/api/products/${productId}`)).toBe(200);
      expect(await send('/api/openapi.json')).toBe(200);
      expect(await send('/no/such/page')).toBe(404);
      expect(await send('/trpc/no.such.procedure')).toBe(404);
      expect(await send('/metrics')).toBe(404); // never on the API's port

      const samples = await running.scrape();
      const by = (procedure: string, method: string, status: number) =>
        requests(samples, { procedure, method, status: String(status) });
      expect({
        byId: by('products.byId', 'GET', 200), // one over tRPC, one over REST (GET /api/products/{id})
        byIdMissing: by('products.byId', 'GET', 404),
        transfer: by('accounts.transfer', 'POST', 200),
        checkout: by('orders.checkout', 'POST', 201),
        transferBatch: by('batch', 'POST', 207),
        readBatch: by('batch', 'GET', 200),
        categories: by('categories.list', 'GET', 200),
        docs: by('docs', 'GET', 200),
        notFound: by('not_found', 'GET', 404),
      }).toEqual({
        byId: 2,
        byIdMissing: 1,
        transfer: 2,
        checkout: 2,
        transferBatch: 1,
        readBatch: 1,
        categories: 1,
        docs: 1,
        notFound: 3,
      });
      const histogram = matching(samples, 'http_request_duration_seconds_bucket', {
        procedure: 'products.byId',
        status: '200',
      });
      expect(histogram.find((s) => s.labels.le === '+Inf')?.value).toBe(2);
      expect(total(samples, 'http_request_duration_seconds_sum', { procedure: 'products.byId' })).toBeGreaterThan(0);

      // Every call, batched ones too; the transfers made, the replays apart.
      const calls = (procedure: string, code: string) =>
        total(samples, 'shop_procedure_calls_total', { procedure, code });
      expect({
        byIdOk: calls('products.byId', 'OK'),
        byIdMissing: calls('products.byId', 'NOT_FOUND'),
        transfersOk: calls('accounts.transfer', 'OK'),
        transfersRefused: calls('accounts.transfer', 'UNPROCESSABLE_CONTENT'),
        categories: calls('categories.list', 'OK'),
      }).toEqual({ byIdOk: 3, byIdMissing: 1, transfersOk: 4, transfersRefused: 1, categories: 2 });
      expect(total(samples, 'shop_transfers_total')).toBe(3);
      expect(total(samples, 'shop_checkouts_total')).toBe(1);
      expect(total(samples, 'shop_idempotent_replays_total', { procedure: 'accounts.transfer' })).toBe(1);
      expect(total(samples, 'shop_idempotent_replays_total', { procedure: 'orders.checkout' })).toBe(1);

      // The pool, and the process.
      const pool = (name: string, labels: Record<string, string> = {}) =>
        total(samples, name, { database: 'primary', ...labels });
      const max = testDialect === 'sqlite' ? 1 : 10;
      expect(pool('db_pool_connections_max')).toBe(max);
      const used = pool('db_pool_connections', { state: 'used' }) ?? -1;
      const idle = pool('db_pool_connections', { state: 'idle' }) ?? -1;
      expect(used).toBe(0); // nothing in flight between requests
      // SQLite's one connection stays open; mysql2 closes idle ones beyond `maxIdle` (0 here) at its next sweep.
      if (testDialect === 'sqlite') expect(idle).toBe(1);
      else expect(idle).toBeGreaterThanOrEqual(0);
      expect(used + idle).toBeLessThanOrEqual(max);
      expect(pool('db_pool_pending_requests')).toBe(testDialect === 'sqlite' ? undefined : 0);
      expect(total(samples, 'shop_api_processes')).toBe(1);
      expect(total(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(matching(samples, 'db_replica_lag_seconds')).toEqual([]);
    } finally {
      await running.close();
    }
  });

  it('keeps the request series bounded whatever URLs, methods and procedure names clients send', async () => {
    const running = await serve(db().orm);
    try {
      const series = async () =>
        matching(await running.scrape(), 'http_request_duration_seconds_count').map((s) => JSON.stringify(s.labels));
      const random = () => Math.random().toString(36).slice(2, 10);
      const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
      const urls = [
        () => `/${random()}/${random()}`,
        () => `/api/${random()}`,
        () => `/api/products/${random()}/${random()}`,
        () => `/trpc/${random()}.${random()}`,
        () => `/trpc/${random()},${random()}?batch=1`,
        () => `/${random()}.js?${random()}=${random()}`,
      ];
      for (let i = 0; i < 1_000; i++) {
        const url = (urls[i % urls.length] as () => string)();
        await running.api.app.inject({ method: methods[i % methods.length] as string, url });
      }
      const labels = (await series()).map((text) => JSON.parse(text) as Record<string, string>);
      const procedures = new Set(labels.map((l) => l.procedure));
      // Unknown routes and procedures are `not_found`; tRPC's batches are `batch` whatever they name.
      expect([...procedures].every((p) => ['not_found', 'batch', 'other', 'docs', 'web'].includes(p as string))).toBe(
        true,
      );
      expect(labels.length).toBeLessThanOrEqual(methods.length * 4);
      expect(requests(await running.scrape(), {})).toBe(1_000);
    } finally {
      await running.close();
    }
  });

  it('reports the pool of each MikroORM read replica, and the lag and rotation @shop/db gives', async () => {
    const target: DatabaseTarget = db().target;
    const replica =
      target.dialect === 'sqlite'
        ? { name: 'replica-1', dbName: target.file }
        : { name: 'replica-1', clientUrl: target.url };
    const orm = (await MikroORM.init({
      ...ormConfig(target),
      replicas: [replica, { ...replica, name: undefined }],
    })) as Orm;
    try {
      const states = [
        { name: 'replica-1', inRotation: false, lagMs: 2_500 },
        { name: 'replica-2', inRotation: true, lagMs: null },
      ];
      const metrics = await createApiMetrics(orm, { replicas: async () => states });
      const samples = parseMetrics(await metrics.registry.metrics());
      const max = testDialect === 'sqlite' ? 1 : 10;
      for (const database of ['primary', 'replica-1', 'replica-2']) {
        expect([database, total(samples, 'db_pool_connections_max', { database })]).toEqual([database, max]);
      }
      expect(matching(samples, 'db_replica_lag_seconds')).toEqual([
        { name: 'db_replica_lag_seconds', labels: { replica: 'replica-1' }, value: 2.5 },
      ]);
      expect(matching(samples, 'db_replica_in_rotation').map((s) => [s.labels.replica, s.value])).toEqual([
        ['replica-1', 0],
        ['replica-2', 1],
      ]);
    } finally {
      await orm.close(true);
    }
  });
});

// ---- The variables --------------------------------------------------------------------------------------

describe.runIf(testDialect === 'sqlite')('the metrics variables', () => {
  const settings = (env: Record<string, string>) => {
    try {
      const { METRICS_PORT, METRICS_HOST, METRICS_TOKEN } = loadApiSettings({ PORT: '3000', ...env });
      return { METRICS_PORT, METRICS_HOST, METRICS_TOKEN };
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('serves no metrics unless METRICS_PORT is set, and never on PORT', () => {
    expect(settings({})).toEqual({});
    expect(settings({ METRICS_PORT: '' })).toEqual({});
    expect(settings({ METRICS_PORT: '9464' })).toEqual({ METRICS_PORT: 9464 });
    expect(settings({ METRICS_PORT: '0' })).toEqual({ METRICS_PORT: 0 });
    expect(settings({ METRICS_PORT: 'http' })).toBe(
      'METRICS_PORT: "http" is not a port: 0 to 65535 (0: any free port), or unset for no metrics',
    );
    expect(settings({ METRICS_PORT: '70000' })).toBe(
      'METRICS_PORT: "70000" is not a port: 0 to 65535 (0: any free port), or unset for no metrics',
    );
    expect(settings({ METRICS_PORT: '3000' })).toBe(
      "METRICS_PORT: 3000 is PORT too: metrics are never served on the API's port, pick another (e.g. 9464)",
    );
    expect(settings({ METRICS_TOKEN: 'a'.repeat(32) })).toBe(
      'METRICS_PORT: unset, so no metrics are served although METRICS_TOKEN is set: set METRICS_PORT too (e.g. 9464)',
    );
    expect(settings({ METRICS_PORT: '9464', METRICS_TOKEN: 'short' })).toBe(
      'METRICS_TOKEN: at least 16 printable characters, no spaces (openssl rand -hex 32 makes one)',
    );
  });

  it('names a METRICS_PORT in use and the fix, in one line', async () => {
    const holder = createServer();
    const port = await new Promise<number>((resolve) =>
      holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)),
    );
    try {
      const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
      const child = spawn(process.execPath, [main, '--migrate'], {
        env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', METRICS_PORT: String(port) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += String(chunk);
      });
      const status = await new Promise((resolve) => child.on('close', resolve));
      expect({ status, stderr }).toEqual({
        status: 1,
        stderr: `error: METRICS_PORT ${port} is in use on 127.0.0.1: set METRICS_PORT to a free port\n`,
      });
    } finally {
      holder.close();
    }
  });
});

// ---- As operators run it: `node apps/api/src/main.ts` with METRICS_PORT ---------------------------------

describe('the metrics port of a running API', () => {
  const TOKEN = 'metrics-test-token-0123456789';
  let database: SharedDatabase | null = null;
  let single: { api: ApiProcess; metrics: string } | undefined;
  let workers: { api: ApiProcess; metrics: string } | undefined;

  beforeAll(async () => {
    database = await sharedDatabase('metrics');
    if (!database) return;
    await database.fill(async () => {}); // migrated
    const { databaseUrl } = database;
    const start = async (env: Record<string, string>) => {
      const port = await freePort();
      const api = await startApiProcess({
        databaseUrl,
        env: { LOG_LEVEL: 'error', METRICS_PORT: String(port), ...env },
      });
      return { api, metrics: `http://127.0.0.1:${port}/metrics` };
    };
    [single, workers] = await Promise.all([
      start({ METRICS_HOST: '127.0.0.1' }),
      start({ API_WORKERS: '2', METRICS_TOKEN: TOKEN }),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([single?.api.stop(), workers?.api.stop()]);
    await database?.destroy();
  });

  it('serves /metrics on METRICS_PORT only: the API port answers 404', async (context) => {
    skipWithoutDatabase(context);
    const { api, metrics } = single as NonNullable<typeof single>;
    expect((await get(`${api.origin}/metrics`)).status).toBe(404);
    expect((await get(`${api.origin}/api/categories`)).status).toBe(200);
    const scraped = await get(metrics);
    expect(scraped.status).toBe(200);
    const samples = parseMetrics(scraped.body);
    expect(requests(samples, { procedure: 'categories.list', method: 'GET', status: '200' })).toBe(1);
    expect(requests(samples, { procedure: 'not_found', status: '404' })).toBe(1);
    expect((await get(metrics.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('with API_WORKERS=2, asks for METRICS_TOKEN and sums both workers in one scrape', async (context) => {
    skipWithoutDatabase(context);
    const { api, metrics } = workers as NonNullable<typeof workers>;
    const authorization = `Bearer ${TOKEN}`;
    expect((await get(metrics)).status).toBe(401);
    expect((await get(metrics, { authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
    expect((await get(`${api.origin}/metrics`, { authorization })).status).toBe(404);

    // Until both workers answer a scrape (the second may still be starting when the first serves).
    let samples: Sample[] = [];
    const deadline = Date.now() + 20_000;
    while (total(samples, 'shop_api_processes') !== 2) {
      if (Date.now() > deadline) throw new Error(`never two processes in a scrape: ${api.describe()}`);
      const scraped = await get(metrics, { authorization });
      samples = scraped.status === 200 ? parseMetrics(scraped.body) : [];
      if (scraped.status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const CALLS = 40; // each on a connection of its own: node:cluster deals them out to both workers
    for (let i = 0; i < CALLS; i++) expect((await get(`${api.origin}/api/categories`)).status).toBe(200);
    const scraped = await get(metrics, { authorization });
    expect(scraped.status).toBe(200);
    samples = parseMetrics(scraped.body);
    expect(total(samples, 'shop_api_processes')).toBe(2);
    expect(requests(samples, { procedure: 'categories.list', method: 'GET', status: '200' })).toBe(CALLS);
    expect(total(samples, 'shop_procedure_calls_total', { procedure: 'categories.list', code: 'OK' })).toBe(CALLS);
  });
});
