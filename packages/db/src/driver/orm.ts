// Builds the MikroORM configuration for one database target and opens it (SQLite, PostgreSQL or MariaDB).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MikroORM, type Options } from '@mikro-orm/core';
import { MariaDbDriver } from '@mikro-orm/mariadb';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { entities } from '../entities/index.ts';
import { notFound } from '../services/not-found.ts';
import { connectionProblem, DatabaseConnectionError } from './connection-errors.ts';
import type { DatabaseTarget } from './database-url.ts';
import { POOL_DEFAULTS, type PoolSettings, type ReplicaSettings } from './env.ts';
import { namedStatementsOptions, statementNamer } from './postgres-statement-names.ts';
import { ReadReplicas, type ReplicaListener, readReplicasOf, replicatedPostgreSqlDriver } from './replicas.ts';
import { sqliteDriverClass } from './sqlite-statement-cache.ts';
import { NulTextGuard } from './text-guard.ts';

export type Dialect = DatabaseTarget['dialect'];
export type Orm = MikroORM<AbstractSqlDriver, SqlEntityManager>;
export type EntityManager = SqlEntityManager;
export type QueryListener = (sql: string, parameters: readonly unknown[]) => void;

/** One migrations folder per dialect: each is generated against, and only ever run on, its own dialect. */
export const MIGRATIONS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
export const migrationsPath = (dialect: Dialect) => path.join(MIGRATIONS_ROOT, dialect);

export interface OrmOptions {
  /** Unset settings: POOL_DEFAULTS. */
  pool?: Partial<PoolSettings>;
  /** Called with every executed SQL statement and its parameters (tests count and EXPLAIN queries with it). */
  onQuery?: QueryListener;
  debug?: boolean;
  /** SQLite: prepared statements kept per connection, keyed by SQL text (default 500; 0 = prepare every query). */
  sqliteStatementCacheSize?: number;
  /** PostgreSQL streaming replicas for reads (replicas.ts); null or absent: every query on the primary. */
  replicas?: ReplicaSettings | null;
  /** Told when a replica leaves or joins the rotation (default: the line on stderr). */
  onReplicaEvent?: ReplicaListener;
}

// SQLite: WAL lets readers run beside the single writer; synchronous=NORMAL under WAL may lose the last
// commits on power loss but never corrupts (~75x faster commits than FULL); busy_timeout waits for
// another process's write lock instead of failing at once.
// mmap_size reads database pages through a memory map instead of a pread() per page-cache miss: a random
// row of a 1M-row table costs ~11 µs instead of ~39 µs. The map is address space, not resident memory.
const SQLITE_PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'busy_timeout = 5000',
  'foreign_keys = ON',
  'mmap_size = 268435456',
];

export function ormConfig(target: DatabaseTarget, options: OrmOptions = {}): Partial<Options> {
  const common = {
    entities,
    extensions: [Migrator],
    // A NUL in any text an entity write carries is an InvalidError naming the property, on every dialect.
    subscribers: [new NulTextGuard()],
    debug: options.debug ?? false,
    // Explicit entity list + no reflection: nothing to discover at start-up.
    discovery: { warnWhenNoEntities: true },
    // em.findOneOrFail throws the domain's NotFoundError (404 at the API) on every dialect.
    findOneOrFailHandler: notFound,
    findExactlyOneOrFailHandler: notFound,
    migrations: {
      path: migrationsPath(target.dialect),
      glob: '!(*.d).{js,ts}',
      silent: true,
      transactional: true,
      allOrNothing: true,
      snapshot: true,
      // The snapshot is written when a migration is created, from the entities; never rewritten by running one.
      snapshotOnMigrate: false,
      snapshotName: `.snapshot-${target.dialect}`,
      emit: 'ts' as const,
      fileName: (timestamp: string, name?: string) => `Migration${timestamp}${name ? `_${name}` : ''}`,
    },
    ...(options.onQuery && {
      logger: () => {},
      loggerFactory: () => ({
        log: () => {},
        error: () => {},
        warn: () => {},
        logQuery: (context: { query: string; params?: readonly unknown[] }) =>
          options.onQuery?.(context.query, context.params ?? []),
        setDebugMode: () => {},
        isEnabled: (namespace: string) => namespace === 'query',
      }),
      debug: ['query' as const],
    }),
  };
  if (target.dialect === 'sqlite') {
    return {
      ...common,
      driver: sqliteDriverClass(options.sqliteStatementCacheSize),
      dbName: target.file,
    } as Partial<Options>;
  }
  const { connectTimeoutMillis, ...pool } = { ...POOL_DEFAULTS, ...options.pool };
  if (target.dialect === 'mariadb') {
    return {
      ...common,
      driver: MariaDbDriver,
      clientUrl: target.url,
      pool,
      driverOptions: { connectTimeout: connectTimeoutMillis },
      // Binary collation: usernames, emails and names compare and sort exactly as on SQLite and
      // PostgreSQL ("Ann" and "ann" are two usernames); MariaDB's default utf8mb4_general_ci would fold case.
      charset: 'utf8mb4',
      collate: 'utf8mb4_bin',
    } as Partial<Options>;
  }
  const nameOf = statementNamer();
  const postgres = { ...common, driver: PostgreSqlDriver, clientUrl: target.url, pool };
  // pg waits for a silent server forever by default; mysql2's connectTimeout is the same bound for MariaDB.
  const driverOptions = { ...namedStatementsOptions(nameOf), connectionTimeoutMillis: connectTimeoutMillis };
  if (!options.replicas) return { ...postgres, driverOptions } as Partial<Options>;
  const replicas = new ReadReplicas(options.replicas, options.onReplicaEvent);
  return {
    ...postgres,
    driverOptions,
    driver: replicatedPostgreSqlDriver(replicas),
    replicas: replicas.connectionOptions(nameOf),
    // Nothing reads a replica unless it asks for a 'read' connection (readReplicaFork): em.find and the
    // session lookup of every signed-in call stay on the primary.
    preferReadReplicas: false,
  } as Partial<Options>;
}

/**
 * Opens the ORM and connects (MikroORM would wait for the first query): a database that cannot be used is a
 * DatabaseConnectionError saying why in one line, at start-up. On SQLite also sets the pragmas MikroORM
 * leaves alone.
 */
export async function openOrm(target: DatabaseTarget, options: OrmOptions = {}): Promise<Orm> {
  const timeout = options.pool?.connectTimeoutMillis ?? POOL_DEFAULTS.connectTimeoutMillis;
  const refuse = (error: unknown) =>
    new DatabaseConnectionError(connectionProblem(error, target, timeout), { cause: error });
  if (options.replicas && target.dialect !== 'postgresql') {
    throw new DatabaseConnectionError(`read replicas need PostgreSQL; ${target.dialect} has none here`);
  }
  if (target.dialect === 'sqlite' && target.file !== ':memory:') {
    try {
      mkdirSync(path.dirname(target.file), { recursive: true });
    } catch (error) {
      throw refuse(error);
    }
  }
  const orm = (await MikroORM.init(ormConfig(target, options))) as Orm;
  try {
    const connection = orm.em.getConnection();
    if (target.dialect === 'sqlite') {
      for (const pragma of SQLITE_PRAGMAS) {
        if (target.file === ':memory:' && pragma.startsWith('journal_mode')) continue;
        await connection.execute(`pragma ${pragma}`);
      }
    } else await connection.execute('select 1');
  } catch (error) {
    await orm.close(true).catch(() => {});
    throw refuse(error);
  }
  if (options.onQuery) queryListeners.set(orm.config, options.onQuery);
  // Replicas are checked once before the first request, so a healthy one serves reads from the start; one
  // that is down does not stop the start (the primary answers its reads).
  await readReplicasOf(orm)?.start();
  return orm;
}

export function dialectOf(orm: Orm | EntityManager): Dialect {
  const platform = (orm instanceof MikroORM ? orm.em : orm).getPlatform().constructor.name.toLowerCase();
  if (platform.includes('postgre')) return 'postgresql';
  if (platform.includes('maria') || platform.includes('mysql')) return 'mariadb';
  return 'sqlite';
}

/** `onQuery` per ORM configuration, for the statements MikroORM's logger does not see (the read paths'). */
const queryListeners = new WeakMap<object, QueryListener>();

export const queryListenerOf = (em: EntityManager) => queryListeners.get(em.config);
