// The bank scenario (bank-scenario.ts) on PostgreSQL with a streaming replica of its own (replica.ts): both
// API processes read the catalog from the replica (DATABASE_REPLICA_URLS) while every write, and every read
// of money and orders, goes to the primary. Customers read back, from the other server, the ledger row and
// the order they just made: those must be there at once, whatever the replica has replayed.
import { type ReplicatedCluster, skipWithoutReplica, startReplicatedCluster } from '@shop/db/testing';
import { expect, inject } from 'vitest';
import { bankSuite } from './bank-scenario.ts';

let cluster: ReplicatedCluster | undefined;
let database = '';
let replicaUrl = '';

/** Index and sequential scans of `products` the replica has run for its own sessions. */
async function productScansOnReplica(): Promise<number> {
  const [row] = (await cluster?.query<{ scans: string | null }>(
    'replica',
    "select coalesce(sum(coalesce(idx_scan, 0) + coalesce(seq_scan, 0)), 0)::text as scans from pg_stat_user_tables where relname = 'products'",
    database,
  )) ?? [{ scans: null }];
  return Number(row?.scans);
}

let scansBefore = 0;

bankSuite({
  label: 'PostgreSQL with a streaming replica',
  skip: skipWithoutReplica,
  readBack: true,
  env: () => ({ DATABASE_REPLICA_URLS: replicaUrl, REPLICA_CHECK_INTERVAL_MS: '250' }),
  async open() {
    if (inject('replicaUnavailable')) return null;
    cluster = await startReplicatedCluster();
    const { name, primary, replica } = await cluster.createDatabase();
    database = name;
    replicaUrl = replica.url;
    scansBefore = await productScansOnReplica();
    return { target: primary, url: primary.url, destroy: async () => cluster?.destroy() };
  },
  async afterRun() {
    // The catalog read-backs were answered by the replica, not merely routed around it.
    expect(await productScansOnReplica()).toBeGreaterThan(scansBefore);
  },
});
