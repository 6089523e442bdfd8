// How the ORM's connection pools are used (the primary's and each read replica's), read at each scrape for
// process/metrics.ts. The drivers keep these counts in their own shapes: pg's Pool has public counters,
// mysql2's pool only its queues, better-sqlite3 is one connection.
import type { Orm } from '@shop/db';

/** How a connection pool is used right now; `pending` is undefined where the driver cannot tell. */
export interface PoolUse {
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
export async function poolsOf(orm: Orm): Promise<{ database: string; read: () => PoolUse }[]> {
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
