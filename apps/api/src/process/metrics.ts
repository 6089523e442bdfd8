// Prometheus metrics (prom-client): what one API process records (requests, procedure calls, transfers and
// checkouts, database pools, replicas). metrics-server.ts serves them at /metrics on METRICS_PORT (never on
// the API's port) and, with API_WORKERS > 1, sums every worker's in the primary.
import type { Orm, ReplicaStatus } from '@shop/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { methodOf, procedureOf } from '../http/metric-labels.ts';
import type { CallListener } from '../trpc/init.ts';
import { type PoolUse, poolsOf } from './metrics-pools.ts';

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
          method: methodOf(request),
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
