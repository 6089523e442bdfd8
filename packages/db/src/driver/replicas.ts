// Read replicas (PostgreSQL streaming standbys): which one a read may use, how each is checked, and what a
// read does when one fails. The rules, and why, are in docs/replicas.md.
//
// MikroORM's `replicas` option gives the driver one connection (pool) per replica and picks a random one for
// `getConnection('read')`; `em.getKysely()` asks for 'write' unless told otherwise, and so do all of this
// project's reads. Here the driver picks only replicas in rotation (round robin; the primary when none is),
// a health check per process takes a replica out of rotation when it is unreachable, is not a standby, or is
// more than REPLICA_MAX_LAG_MS behind, and a read a replica fails (it went away mid-query, or refused the
// connection) is answered by the primary instead: losing a replica never fails a request.
import type { Configuration, ConnectionType } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import pg from 'pg';
import { isConnectionFailure } from './connection-errors.ts';
import { redact } from './database-url.ts';
import type { ReplicaSettings } from './env.ts';
import type { EntityManager, Orm } from './orm.ts';
import { nameStatements } from './postgres-statement-names.ts';
import {
  firstLine,
  type PrimarySample,
  parseLsn,
  type ReplicaReading,
  readReplica,
  replicaLag,
  withTimeout,
} from './replica-health.ts';

/** `in-rotation` serves reads; the others do not (`starting`: not checked yet). */
export const REPLICA_STATES = ['starting', 'in-rotation', 'lagging', 'unreachable', 'not-a-replica'] as const;
export type ReplicaState = (typeof REPLICA_STATES)[number];

export interface ReplicaStatus {
  /** replica-1, replica-2, … in DATABASE_REPLICA_URLS order. */
  name: string;
  state: ReplicaState;
  inRotation: boolean;
  /** How far behind the primary it was at its last check, at most (ms); null when unknown or unreachable. */
  lagMs: number | null;
  /** Why it is out of rotation; null in rotation. */
  problem: string | null;
}

/** A replica left or joined the rotation: one line for the log, and its new status. */
export interface ReplicaEvent {
  level: 'info' | 'warn';
  line: string;
  replica: ReplicaStatus & { server: string };
}
export type ReplicaListener = (event: ReplicaEvent) => void;

/** The part of a MikroORM connection the rotation hands back to the driver. */
type ReadConnection = object;
type Query = (...args: unknown[]) => unknown;
interface PooledClient {
  query: Query;
}
interface ServingPool {
  connect: (...args: unknown[]) => Promise<unknown>;
  on(event: 'connect', listener: (client: PooledClient) => void): unknown;
}

/** How long a read waits for a replica connection (a new one, or a free one of its pool) before the primary. */
const REPLICA_CONNECT_TIMEOUT_MS = 5_000;

const MAX_SAMPLES = 1_000;

class Replica {
  status: ReplicaStatus;
  connection: ReadConnection | undefined;
  /** The health check's own connection: a serving pool falls back to the primary, a check must not. */
  readonly probe: pg.Pool;
  lastRetryLog = 0;
  /** When a read last found it gone (ms): a check that began before then cannot put it back in rotation. */
  failedAt = 0;
  readonly name: string;
  /** The URL, password redacted, for log lines (never for /readyz, which anyone may call). */
  readonly server: string;
  constructor(name: string, url: string, timeoutMs: number) {
    this.name = name;
    this.server = redact(url);
    this.status = { name, state: 'starting', inRotation: false, lagMs: null, problem: 'not checked yet' };
    this.probe = new pg.Pool({
      connectionString: url,
      max: 1,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
      idleTimeoutMillis: 0,
      allowExitOnIdle: true,
      application_name: 'shop-rpc replica check',
    });
    this.probe.on('error', () => {}); // an idle probe connection dropped: the next check reports it
    // A checked-out connection's 'error' is its holder's (pg-pool unhooks its own listener meanwhile), and a
    // server shutting down can send its FATAL right behind the check's answer, before the check releases it:
    // unheard, that event is an uncaught exception. The check has its answer; pg-pool drops the connection.
    this.probe.on('connect', (client) => client.on('error', () => {}));
  }
}

/** The read replicas of one ORM: their rotation, their health check, and who must read the primary. */
export class ReadReplicas {
  readonly #settings: ReplicaSettings;
  readonly #listener: ReplicaListener;
  readonly #replicas: Replica[];
  #primary: (() => Promise<pg.Pool>) | undefined;
  #samples: PrimarySample[] = [];
  #next = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #started = false;
  #stopped = false;
  /** Caller key → until when (ms) its reads go to the primary; insertion order is expiry order. */
  readonly #writers = new Map<string, number>();

  constructor(settings: ReplicaSettings, listener: ReplicaListener = defaultListener) {
    this.#settings = settings;
    this.#listener = listener;
    this.#replicas = settings.targets.map(
      (target, index) => new Replica(`replica-${index + 1}`, target.url, settings.checkTimeoutMs),
    );
  }

  /** MikroORM's `replicas` entries; `nameOf` names statements as on the primary. */
  connectionOptions(nameOf: (text: string) => string | undefined) {
    return this.#settings.targets.map((target, index) => ({
      name: `replica-${index + 1}`,
      clientUrl: target.url,
      driverOptions: {
        connectionTimeoutMillis: REPLICA_CONNECT_TIMEOUT_MS,
        keepAlive: true,
        onPoolCreated: (pool: ServingPool) => this.#guard(pool, this.#replicas[index] as Replica, nameOf),
      },
    }));
  }

  /** Called by the driver: its replica connections (in settings order) and the primary's pool. */
  attach(connections: readonly ReadConnection[], primary: () => Promise<pg.Pool>): void {
    for (const [index, connection] of connections.entries()) {
      const replica = this.#replicas[index];
      if (replica) replica.connection = connection;
    }
    this.#primary = primary;
  }

  /** A replica in rotation for the next read (round robin), or undefined: read the primary. */
  pick(): ReadConnection | undefined {
    const count = this.#replicas.length;
    for (let step = 0; step < count; step++) {
      const replica = this.#replicas[(this.#next + step) % count] as Replica;
      if (replica.status.inRotation && replica.connection) {
        this.#next = (this.#next + step + 1) % count;
        return replica.connection;
      }
    }
    return undefined;
  }

  status(): ReplicaStatus[] {
    return this.#replicas.map((replica) => ({ ...replica.status }));
  }

  /** Reads by these callers go to the primary for `stickyMs` from now (they just wrote). */
  noteWrite(keys: readonly string[]): void {
    const now = Date.now();
    for (const [key, until] of this.#writers) {
      if (until > now) break;
      this.#writers.delete(key);
    }
    for (const key of keys) {
      this.#writers.delete(key);
      this.#writers.set(key, now + this.#settings.stickyMs);
    }
  }

  /** Whether any of these callers wrote within the last `stickyMs` (in this process). */
  wroteRecently(keys: readonly string[]): boolean {
    const now = Date.now();
    return keys.some((key) => (this.#writers.get(key) ?? 0) > now);
  }

  /** Checks every replica now, then every `checkIntervalMs` until stop(). */
  async start(): Promise<void> {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    await this.check();
    const loop = () => {
      this.#timer = setTimeout(() => {
        this.#running = this.check().finally(() => {
          this.#running = undefined;
          if (!this.#stopped) loop();
        });
      }, this.#settings.checkIntervalMs);
      this.#timer.unref();
    };
    loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await Promise.all(this.#replicas.map((replica) => replica.probe.end().catch(() => {})));
  }

  /** One round: the primary's WAL position, then each replica's. */
  async check(): Promise<void> {
    const before = Date.now();
    try {
      const pool = await this.#requirePrimary();
      const { rows } = await withTimeout(
        pool.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn'),
        this.#settings.checkTimeoutMs,
      );
      if (rows[0]) this.#samples.push({ lsn: parseLsn(rows[0].lsn), at: before });
    } catch {
      // The primary did not answer: lag is judged by replay timestamps alone this round.
    }
    // Positions old enough to bound twice the largest lag allowed, at most MAX_SAMPLES of them; beyond them the
    // replay timestamp bounds the lag.
    const horizon = before - 2 * this.#settings.maxLagMs - this.#settings.checkIntervalMs;
    while (
      this.#samples.length > 1 &&
      ((this.#samples[0] as PrimarySample).at < horizon || this.#samples.length > MAX_SAMPLES)
    ) {
      this.#samples.shift();
    }
    await Promise.all(this.#replicas.map((replica) => this.#checkReplica(replica)));
  }

  async #checkReplica(replica: Replica): Promise<void> {
    const began = Date.now();
    let reading: ReplicaReading;
    try {
      reading = await withTimeout(readReplica(replica.probe), this.#settings.checkTimeoutMs);
    } catch (error) {
      this.#set(replica, 'unreachable', null, firstLine(error));
      return;
    }
    if (!reading.inRecovery) {
      this.#set(replica, 'not-a-replica', null, 'not in recovery: not a streaming replica (promoted?)');
      return;
    }
    const lag = replicaLag(reading, this.#samples, Date.now());
    const { maxLagMs } = this.#settings;
    if (lag === null) this.#set(replica, 'lagging', null, 'lag unknown: no transaction replayed yet');
    else if (lag > maxLagMs) this.#set(replica, 'lagging', lag, `${lag} ms behind (REPLICA_MAX_LAG_MS=${maxLagMs})`);
    else if (replica.failedAt < began) this.#set(replica, 'in-rotation', lag, null);
  }

  #set(replica: Replica, state: ReplicaState, lagMs: number | null, problem: string | null): void {
    const previous = replica.status;
    const inRotation = state === 'in-rotation';
    replica.status = { name: replica.name, state, inRotation, lagMs, problem };
    if (previous.state === state && previous.inRotation === inRotation) return;
    const who = `read replica ${replica.name} (${replica.server})`;
    let line: string;
    if (inRotation) {
      const verb = previous.state === 'starting' ? 'joins' : 'rejoins';
      line = `${who} ${verb} the rotation (lag ${lagMs} ms)`;
    } else if (previous.inRotation) {
      line = `${who} leaves the rotation: ${state}, ${problem}; its reads go to the primary`;
    } else {
      line = `${who} is out of the rotation: ${state}, ${problem}; its reads go to the primary`;
    }
    if (this.#stopped) return;
    this.#listener({
      level: inRotation ? 'info' : 'warn',
      line,
      replica: { ...replica.status, server: replica.server },
    });
  }

  async #requirePrimary(): Promise<pg.Pool> {
    if (!this.#primary) throw new Error('read replicas used before the driver attached them');
    return this.#primary();
  }

  /**
   * The serving pool of `replica`: statements named as on the primary; a connection it cannot open, and a
   * statement it fails, are served by the primary instead (reads only reach a replica outside any
   * transaction, one statement per checkout, so repeating one there is sound).
   */
  #guard(pool: ServingPool, replica: Replica, nameOf: (text: string) => string | undefined): void {
    pool.on('connect', (client) => {
      nameStatements(client, nameOf);
      const query = client.query;
      client.query = (...args: unknown[]) => {
        const result = query.apply(client, args);
        if (!(result instanceof Promise) || !repeatable(args)) return result;
        return result.catch(async (error: unknown) => {
          this.#failed(replica, error);
          return (await this.#requirePrimary()).query(...(args as [string, unknown[]]));
        });
      };
    });
    const connect = pool.connect;
    pool.connect = (...args: unknown[]) => {
      // pg-pool's own query() passes a callback: leave that form alone (nothing here uses it).
      if (args.length) return connect.apply(pool, args);
      return connect.apply(pool, []).catch(async (error: unknown) => {
        this.#failed(replica, error);
        return (await this.#requirePrimary()).connect();
      });
    };
  }

  #failed(replica: Replica, error: unknown): void {
    if (isConnectionFailure(error)) {
      replica.failedAt = Date.now();
      if (replica.status.inRotation) this.#set(replica, 'unreachable', null, firstLine(error));
      return;
    }
    // A statement the replica refused for another reason (a query cancelled by a conflict with recovery):
    // served by the primary; said at most once a minute per replica.
    const now = Date.now();
    if (now - replica.lastRetryLog < 60_000) return;
    replica.lastRetryLog = now;
    this.#listener({
      level: 'warn',
      line: `read replica ${replica.name} (${replica.server}) failed a read, answered by the primary instead: ${firstLine(error)}`,
      replica: { ...replica.status, server: replica.server },
    });
  }
}

/** A statement pg can send again: text and values, or a query config; not a cursor or other submittable. */
function repeatable(args: readonly unknown[]): boolean {
  const [first] = args;
  if (typeof first === 'string') return true;
  return typeof first === 'object' && first !== null && !('submit' in first) && typeof args.at(-1) !== 'function';
}

function defaultListener(event: ReplicaEvent): void {
  console.warn(event.line);
}

/** The replicas of each ORM configuration that has some. */
const replicasByConfig = new WeakMap<object, ReadReplicas>();

export const readReplicasOf = (ormOrEm: Orm | EntityManager): ReadReplicas | undefined =>
  replicasByConfig.get(ormOrEm.config);

/**
 * The PostgreSQL driver with `replicas`: 'read' connections come from the rotation (the primary when no
 * replica is in it), and closing the ORM stops the health check.
 */
export function replicatedPostgreSqlDriver(replicas: ReadReplicas): typeof PostgreSqlDriver {
  return class ReplicatedPostgreSqlDriver extends PostgreSqlDriver {
    constructor(config: Configuration) {
      super(config);
      replicas.attach(this.replicas, () => this.connection.getNativeClient());
      replicasByConfig.set(config, replicas);
    }
    override getConnection(type: ConnectionType = 'write') {
      if (type === 'write') return this.connection;
      return (replicas.pick() as typeof this.connection | undefined) ?? this.connection;
    }
    override async close(force?: boolean): Promise<void> {
      await replicas.stop();
      await super.close(force);
    }
  };
}

/** EntityManagers whose typed reads (`kysely(em)`) ask for a 'read' connection. */
const replicaForks = new WeakSet<EntityManager>();

/**
 * A fork whose typed reads outside a transaction may be answered by a replica in rotation (by the primary
 * when the ORM has none, or none is in rotation). Only for reads that may be a little behind: the catalog,
 * never money, orders, users or sessions (docs/replicas.md). Its transactions, and its own forks, use the
 * primary.
 */
export function readReplicaFork(orm: Orm): EntityManager {
  const em = orm.em.fork();
  if (readReplicasOf(orm)) replicaForks.add(em);
  return em;
}

/** Whether `em` came from readReplicaFork (kysely(em) then asks for a 'read' connection). */
export const readsFromReplica = (em: EntityManager): boolean => replicaForks.has(em);

/** Each replica's state and lag as its last check found them; empty without replicas (for /readyz, metrics). */
export const replicaStatus = (orm: Orm): ReplicaStatus[] => readReplicasOf(orm)?.status() ?? [];

/**
 * Read-your-writes: these callers (opaque keys: a session token, a client address) just wrote, so their reads
 * go to the primary for REPLICA_STICKY_MS, in this process. A no-op without replicas.
 */
export const noteCallerWrite = (orm: Orm, keys: readonly string[]): void => readReplicasOf(orm)?.noteWrite(keys);

/** Whether any of these callers wrote within REPLICA_STICKY_MS in this process (false without replicas). */
export const callerWroteRecently = (orm: Orm, keys: readonly string[]): boolean =>
  readReplicasOf(orm)?.wroteRecently(keys) ?? false;
