// Prometheus metrics (prom-client): what one API process records (requests, procedure calls, transfers and
// checkouts, database pools, replicas), the small HTTP server that serves them at /metrics on METRICS_PORT
// (never on the API's port), and, with API_WORKERS > 1, the primary's scrape that sums every worker's.
import cluster from 'node:cluster';
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Orm, ReplicaStatus } from '@shop/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { REST_PREFIX, restProcedures } from '../http/openapi.ts';
import type { CallListener } from '../trpc/init.ts';
import { appRouter } from '../trpc/router.ts';

/**
 * Each read replica as @shop/db's health check last found it (`replicaStatus(orm)`), named as in the pool
 * series' `database` label; called at each scrape, so it answers from memory.
 */
export type ReplicaStates = () =>
  | readonly Pick<ReplicaStatus, 'name' | 'inRotation' | 'lagMs'>[]
  | Promise<readonly Pick<ReplicaStatus, 'name' | 'inRotation' | 'lagMs'>[]>;

export interface ApiMetrics {
  registry: Registry;
  /** The HTTP server's onResponse hook: one observation per request. */
  onResponse(request: FastifyRequest, reply: FastifyReply, done: () => void): void;
  /** Every call's outcome (trpc/init.ts), batched and REST calls included. */
  onCallSettled: CallListener;
}

// ---- Request labels: a bounded set, whatever URLs clients send -------------------------------------------

const TRPC_ROUTE = '/trpc/:path';
const PROCEDURES = new Set(Object.keys(appRouter._def.procedures));
/** `GET /api/products/:id` → `products.byId`: rest.ts's routes, under REST_PREFIX and (some) at the root. */
const REST_ROUTES = new Map<string, string>(
  restProcedures().flatMap(([path, procedure]) => {
    const { method, path: url } = procedure._def.meta.openapi;
    const route = url.replace(/\{(\w+)\}/g, ':$1');
    return [
      [`${method} ${REST_PREFIX}${route}`, path],
      [`${method} ${route}`, path],
    ];
  }),
);
const DOCS_ROUTE = new RegExp(`^(${REST_PREFIX})?/(docs|openapi\\.json)`);
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The `procedure` label of a request: the tRPC path of a single call, `batch` for a batched one, the procedure
 * behind a REST route, else `docs` (the OpenAPI document and reference), `web` (the web app), `not_found`
 * (an unknown route or procedure) or `other`.
 */
export function procedureOf(request: FastifyRequest, status: number): string {
  const route = request.routeOptions.url;
  if (route === TRPC_ROUTE) {
    if ((request.query as { batch?: unknown }).batch === '1') return 'batch';
    const path = (request.params as { path?: string }).path ?? '';
    return PROCEDURES.has(path) ? path : 'not_found';
  }
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  const rest = route && REST_ROUTES.get(`${method} ${route}`);
  if (rest) return rest;
  if (status === 404) return 'not_found';
  if (route && DOCS_ROUTE.test(route)) return 'docs';
  // The web app's files (@fastify/static's `/*`), or its index.html for a client-side route (no route).
  if (route === '/*' || route === undefined) return status < 400 ? 'web' : 'other';
  return 'other';
}

// ---- The metrics of one process ----------------------------------------------------------------------

/** How a connection pool is used right now; `pending` is undefined where the driver cannot tell. */
interface PoolUse {
  max: number;
  used: number;
  idle: number;
  pending?: number;
}

/** pg's Pool, mysql2's pool (no public counters: its queues), better-sqlite3's single connection. */
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options: { max?: number };
}
interface MysqlPool {
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
  config: { connectionLimit?: number };
}
interface SqliteDatabase {
  open: boolean;
  inTransaction: boolean;
}

function poolReader(client: unknown): (() => PoolUse) | undefined {
  const pool = client as Partial<PgPool & MysqlPool & SqliteDatabase>;
  if (typeof pool.totalCount === 'number') {
    const pg = client as PgPool;
    return () => ({
      max: pg.options.max ?? 10,
      used: pg.totalCount - pg.idleCount,
      idle: pg.idleCount,
      pending: pg.waitingCount,
    });
  }
  if (pool._allConnections && pool._freeConnections && pool._connectionQueue) {
    const mysql = client as MysqlPool;
    return () => ({
      max: mysql.config.connectionLimit ?? 10,
      used: mysql._allConnections.length - mysql._freeConnections.length,
      idle: mysql._freeConnections.length,
      pending: mysql._connectionQueue.length,
    });
  }
  if (typeof pool.inTransaction === 'boolean') {
    // One connection; better-sqlite3 runs each statement synchronously, so between statements the
    // connection is busy only while a transaction holds it (waiters queue in Kysely, which does not count them).
    const sqlite = client as SqliteDatabase;
    return () => ({ max: 1, used: sqlite.inTransaction ? 1 : 0, idle: sqlite.open && !sqlite.inTransaction ? 1 : 0 });
  }
  return undefined;
}

type NativeClientOwner = { getNativeClient(): Promise<unknown> };

/**
 * The pools of the ORM's connections: `primary`, and one per MikroORM read replica (`replicas` option), named
 * as configured (else `replica-1`…). MikroORM lists its replica connections nowhere public (getConnection('read')
 * picks one at random): the driver keeps them, in the order of the option, in its `replicas` field. The
 * native clients are taken once, here: asking later would reconnect a closed ORM.
 */
async function poolsOf(orm: Orm): Promise<{ database: string; read: () => PoolUse }[]> {
  const replicaOptions = orm.config.get('replicas') ?? [];
  const replicas = (orm.driver as unknown as { replicas?: NativeClientOwner[] }).replicas ?? [];
  const connections: [string, NativeClientOwner][] = [
    ['primary', orm.driver.getConnection('write')],
    ...replicas.map(
      (connection, i) => [replicaOptions[i]?.name ?? `replica-${i + 1}`, connection] as [string, NativeClientOwner],
    ),
  ];
  const pools = [];
  for (const [database, connection] of connections) {
    const read = poolReader(await connection.getNativeClient());
    if (read) pools.push({ database, read });
  }
  return pools;
}

const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const IDEMPOTENT = { 'accounts.transfer': 'transfers', 'orders.checkout': 'checkouts' } as const;

/**
 * The metrics of this process, in a registry of its own. Gauges are read at scrape time; with API_WORKERS > 1
 * the primary sums the workers' values, except replica lag (the largest) and rotation (the smallest: 1 only
 * when every worker reads from it).
 */
export async function createApiMetrics(orm: Orm, { replicas }: { replicas?: ReplicaStates } = {}): Promise<ApiMetrics> {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'shop_api_processes',
    help: 'API processes whose metrics this scrape adds up (API_WORKERS)',
    registers,
    collect() {
      this.set(1);
    },
  });
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests on the API port by procedure (tRPC path, REST route, batch, docs, web, not_found, other), method and status',
    labelNames: ['procedure', 'method', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const calls = new Counter({
    name: 'shop_procedure_calls_total',
    help: 'Procedure calls by tRPC path and outcome (OK or the tRPC error code), each call of a batch and REST calls included',
    labelNames: ['procedure', 'code'] as const,
    registers,
  });
  const made = {
    transfers: new Counter({ name: 'shop_transfers_total', help: 'Transfers made (replays not counted)', registers }),
    checkouts: new Counter({ name: 'shop_checkouts_total', help: 'Orders placed (replays not counted)', registers }),
  };
  const replays = new Counter({
    name: 'shop_idempotent_replays_total',
    help: 'Transfers and checkouts answered from an earlier call with the same idempotency key',
    labelNames: ['procedure'] as const,
    registers,
  });
  for (const procedure of Object.keys(IDEMPOTENT)) replays.inc({ procedure }, 0);

  const pools = await poolsOf(orm);
  const poolGauge = (name: string, help: string, value: (use: PoolUse) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: ['database'] as const,
      registers,
      collect() {
        for (const { database, read } of pools) {
          const measured = value(read());
          if (measured !== undefined) this.set({ database }, measured);
        }
      },
    });
  new Gauge({
    name: 'db_pool_connections',
    help: 'Open database connections by pool (primary or a replica) and state (used or idle)',
    labelNames: ['database', 'state'] as const,
    registers,
    collect() {
      for (const { database, read } of pools) {
        const { used, idle } = read();
        this.set({ database, state: 'used' }, used);
        this.set({ database, state: 'idle' }, idle);
      }
    },
  });
  poolGauge('db_pool_connections_max', 'Connections a pool may open (DB_POOL_MAX; 1 on SQLite)', (use) => use.max);
  poolGauge(
    'db_pool_pending_requests',
    'Queries waiting for a free connection (not reported on SQLite)',
    (use) => use.pending,
  );

  new Gauge({
    name: 'db_replica_lag_seconds',
    help: 'How far each read replica is behind the primary (absent when unknown)',
    labelNames: ['replica'] as const,
    aggregator: 'max',
    registers,
    async collect() {
      this.reset();
      for (const { name, lagMs } of (await replicas?.()) ?? []) {
        if (lagMs !== null) this.set({ replica: name }, lagMs / 1000);
      }
    },
  });
  new Gauge({
    name: 'db_replica_in_rotation',
    help: '1 when reads go to the replica, 0 when it is left out (too far behind, or unreachable)',
    labelNames: ['replica'] as const,
    aggregator: 'min',
    registers,
    async collect() {
      this.reset();
      for (const { name, inRotation } of (await replicas?.()) ?? []) this.set({ replica: name }, inRotation ? 1 : 0);
    },
  });

  return {
    registry,
    onResponse(request, reply, done) {
      const status = reply.statusCode;
      durations.observe(
        {
          procedure: procedureOf(request, status),
          method: METHODS.has(request.method) ? request.method : 'other',
          status: String(status),
        },
        reply.elapsedTime / 1000,
      );
      done();
    },
    onCallSettled(call) {
      calls.inc({ procedure: call.path, code: call.ok ? 'OK' : call.code });
      const counted = call.ok && IDEMPOTENT[call.path as keyof typeof IDEMPOTENT];
      if (!counted) return;
      if ((call.data as { replayed?: boolean } | null)?.replayed) replays.inc({ procedure: call.path });
      else made[counted].inc();
    },
  };
}

// ---- With API_WORKERS > 1: every worker answers the primary, which serves the sum ------------------------

/** In a worker: answer the primary's scrapes with `registry` (before the worker reports that it listens). */
export function answerPrimaryScrapes(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // prom-client starts listening to the primary when its first AggregatorRegistry is made.
  new AggregatorRegistry();
}

/**
 * In the primary: the workers' metrics, summed (prom-client's cluster aggregation). No sum while a worker is
 * `starting()` (one could not answer yet), and none when a worker does not answer within 5 s: a scrape then
 * fails rather than give a partial sum, which Prometheus would take for counter resets.
 */
export function workersScrape(starting: () => number): { scrape: () => Promise<string>; contentType: string } {
  if (!cluster.isPrimary) throw new Error('workersScrape() belongs in the cluster primary');
  const aggregator = new AggregatorRegistry();
  return {
    scrape: async () => {
      const count = starting();
      if (count > 0) throw new Error(`${count === 1 ? 'a worker is' : `${count} workers are`} still starting`);
      return aggregator.clusterMetrics().catch((error: Error) => {
        // prom-client's only words for a worker that did not answer.
        throw error.message === 'Operation timed out.' ? new Error('a worker did not answer within 5 s') : error;
      });
    },
    contentType: aggregator.contentType,
  };
}

// ---- The metrics server --------------------------------------------------------------------------------

export interface MetricsServer {
  /** http://host:port/metrics */
  url: string;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  host: string;
  port: number;
  /** When set, a scrape needs `Authorization: Bearer <token>`. */
  token?: string | undefined;
  scrape: () => Promise<string>;
  contentType: string;
  log: Logger;
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;
const digest = (text: string) => createHash('sha256').update(text).digest();

/** GET /metrics on its own port; anything else is a 404 (another path) or a 405 (another method). */
export async function serveMetrics({
  host,
  port,
  token,
  scrape,
  contentType,
  log,
}: MetricsServerOptions): Promise<MetricsServer> {
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  const server = http.createServer(async (request, response) => {
    const answer = (status: number, body: string, headers: Record<string, string> = {}) =>
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body);
    if (request.url?.split('?', 1)[0] !== '/metrics') return answer(404, 'not found: metrics are at /metrics\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return answer(405, 'method not allowed: GET /metrics\n', { allow: 'GET, HEAD' });
    }
    const authorization = request.headers.authorization;
    if (expected && !(authorization !== undefined && timingSafeEqual(digest(authorization), expected))) {
      return answer(401, 'unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n', {
        'www-authenticate': 'Bearer realm="metrics"',
      });
    }
    try {
      const body = await scrape();
      response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      const reason = (error as Error).message;
      log.warn({ reason }, 'metrics scrape failed');
      answer(503, `metrics unavailable: ${reason}\n`);
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new Error(metricsListenProblem(error, host, port))));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/metrics`;
  if (!token && !LOOPBACK.test(host)) {
    log.warn(
      { url },
      'metrics are readable by anyone who reaches this address: set METRICS_TOKEN, or METRICS_HOST=127.0.0.1',
    );
  }
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function metricsListenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
  if (error.code === 'EADDRINUSE') return `METRICS_PORT ${port} is in use on ${host}: set METRICS_PORT to a free port`;
  if (error.code === 'EACCES')
    return `METRICS_PORT ${port} on ${host} needs privileges this user lacks: use 1024 or above`;
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') {
    return `METRICS_HOST ${host} is not an address of this machine: set METRICS_HOST (or HOST) to one of its addresses`;
  }
  return `cannot serve metrics on ${host}:${port}: ${error.message}`;
}
