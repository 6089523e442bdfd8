// Prepared statements of one better-sqlite3 Database, kept in a bounded LRU keyed by SQL text.
//
// Kysely's SQLite driver calls `db.prepare(sql)` for every query (executeQuery and streamQuery), so
// better-sqlite3 compiled the same SQL again on each call. MikroORM builds that driver with
// `new SqliteDialect({ database })`; the driver below hands it a SqliteStatementCache instead of the raw
// Database, so each distinct SQL text is compiled once per connection.
//
// Scope: Kysely queries (`em.getKysely()`) bind their values as parameters, so one SQL text serves every
// id. MikroORM's own queries (em.find, em.execute, flush) inline their values into the SQL text, so they
// only hit the cache when the same values repeat (begin/commit/savepoints, pragmas, unfiltered lists).
import type { Configuration, ConnectionOptions, ConnectionType, Dictionary } from '@mikro-orm/core';
import { SqliteConnection, SqliteDriver } from '@mikro-orm/sqlite';
import type { Dialect, SqliteDatabase, SqliteStatement } from 'kysely';
import { ImmediateSqliteDialect } from './sqlite-transactions.ts';

/** The better-sqlite3 `Database` and `Statement` types, as @mikro-orm/sqlite exposes them. */
export type NativeSqliteDatabase = Awaited<ReturnType<SqliteConnection['getNativeClient']>>;
type NativeStatement = ReturnType<NativeSqliteDatabase['prepare']>;

/** Statements kept per connection. */
export const DEFAULT_STATEMENT_CACHE_SIZE = 500;
/** Longer SQL is prepared but not kept: it is almost always a bulk insert with inlined values, never repeated. */
export const MAX_CACHED_SQL_LENGTH = 16_384;

export interface StatementCacheStats {
  /** Statements currently held. */
  size: number;
  /** prepare(sql) answered from the cache. */
  hits: number;
  /** prepare(sql) that compiled a statement (first sight, evicted, too long to keep, or cached one busy). */
  prepares: number;
  /** Of those, compiled because the cached statement was busy (an iterator over it still open). */
  busy: number;
  evictions: number;
}

/**
 * What Kysely gets for a statement: `reader`, `all`, `run`, `iterate`, delegated as they are. The
 * per-statement switches of better-sqlite3 (`raw`, `pluck`, `expand`, `safeIntegers`, `bind`) are not
 * reachable through it, so no caller can leave a shared statement in another mode.
 */
class CachedStatement implements SqliteStatement {
  readonly statement: NativeStatement;
  readonly reader: boolean;

  constructor(statement: NativeStatement) {
    this.statement = statement;
    this.reader = statement.reader;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.statement.all(parameters);
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.statement.run(parameters);
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.statement.iterate(parameters);
  }
}

/**
 * The `database` given to Kysely's SqliteDialect: `prepare(sql)` returns the statement compiled for that
 * SQL text earlier on this Database (LRU, `capacity` entries), `close()` forgets them and closes it.
 *
 * - A cached statement whose iterator is still open (`stmt.busy`, a stream in progress) is never handed
 *   out again: reusing it would throw "This statement is busy executing a query". The caller gets a fresh
 *   statement, not kept; the cached one serves again once its iterator is done.
 * - Schema changes need nothing here: statements are prepared with sqlite3_prepare_v3, which SQLite
 *   re-prepares on SQLITE_SCHEMA, and better-sqlite3 rebuilds its row shape when that happens.
 * - One cache per Database: a reconnect opens a new Database and a new cache.
 */
export class SqliteStatementCache implements SqliteDatabase {
  readonly database: NativeSqliteDatabase;
  readonly capacity: number;
  // Map iteration order is insertion order: the first key is the least recently used.
  readonly #statements = new Map<string, CachedStatement>();
  #hits = 0;
  #prepares = 0;
  #busy = 0;
  #evictions = 0;

  constructor(database: NativeSqliteDatabase, capacity = DEFAULT_STATEMENT_CACHE_SIZE) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`statement cache capacity ${capacity}`);
    this.database = database;
    this.capacity = capacity;
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#statements.get(sql);
    if (cached !== undefined) {
      if (!cached.statement.busy) {
        this.#hits++;
        this.#statements.delete(sql);
        this.#statements.set(sql, cached);
        return cached;
      }
      this.#busy++;
      return this.#compile(sql);
    }
    const statement = this.#compile(sql);
    if (sql.length <= MAX_CACHED_SQL_LENGTH) {
      this.#statements.set(sql, statement);
      if (this.#statements.size > this.capacity) {
        const oldest = this.#statements.keys().next().value as string;
        this.#statements.delete(oldest);
        this.#evictions++;
      }
    }
    return statement;
  }

  #compile(sql: string): CachedStatement {
    this.#prepares++;
    return new CachedStatement(this.database.prepare(sql));
  }

  /** Forgets every statement (better-sqlite3 finalizes them when collected, or when the Database closes). */
  clear(): void {
    this.#statements.clear();
  }

  close(): void {
    this.clear();
    this.database.close();
  }

  stats(): StatementCacheStats {
    return {
      size: this.#statements.size,
      hits: this.#hits,
      prepares: this.#prepares,
      busy: this.#busy,
      evictions: this.#evictions,
    };
  }
}

/**
 * MikroORM's better-sqlite3 connection, with its Kysely dialect built on a SqliteStatementCache (none when the
 * size is 0), and transactions that begin IMMEDIATE (sqlite-transactions.ts).
 */
export class StatementCachingSqliteConnection extends SqliteConnection {
  readonly statementCacheSize: number;
  #cache: SqliteStatementCache | undefined;

  constructor(
    config: Configuration,
    options?: ConnectionOptions,
    type?: ConnectionType,
    statementCacheSize = DEFAULT_STATEMENT_CACHE_SIZE,
  ) {
    super(config, options, type);
    this.statementCacheSize = statementCacheSize;
  }

  override createKyselyDialect(options: Dictionary): Dialect {
    // The parent opens the better-sqlite3 Database (kept as its `database`, which getNativeClient() and
    // executeDump() use) and resets its per-Database state; only its dialect is replaced.
    super.createKyselyDialect(options);
    const database = (this as unknown as { database: NativeSqliteDatabase }).database;
    this.#cache = this.statementCacheSize > 0 ? new SqliteStatementCache(database, this.statementCacheSize) : undefined;
    const connectionOptions = this.options as ConnectionOptions & Pick<Dictionary, 'onCreateConnection'>;
    return new ImmediateSqliteDialect({
      database: this.#cache ?? (database as unknown as SqliteDatabase),
      onCreateConnection: connectionOptions.onCreateConnection ?? this.config.get('onCreateConnection'),
    });
  }

  /** The cache of the Database currently open (undefined before the first connect). */
  getStatementCache(): SqliteStatementCache | undefined {
    return this.#cache;
  }
}

/** MikroORM's better-sqlite3 driver whose connections cache their prepared statements. */
export class StatementCachingSqliteDriver extends SqliteDriver {
  /** Statements kept per connection; a subclass from `sqliteDriverClass(n)` overrides it. */
  static statementCacheSize = DEFAULT_STATEMENT_CACHE_SIZE;

  constructor(config: Configuration) {
    super(config);
    // SqliteDriver hard-wires SqliteConnection; the connection it made has not connected yet, replace it.
    const size = (this.constructor as typeof StatementCachingSqliteDriver).statementCacheSize;
    const self = this as unknown as { connection: SqliteConnection; replicas: SqliteConnection[] };
    self.connection = new StatementCachingSqliteConnection(config, undefined, 'write', size);
    self.replicas = this.createReplicas(
      (options) => new StatementCachingSqliteConnection(config, options, 'read', size),
    );
  }

  override getConnection(type: ConnectionType = 'write'): StatementCachingSqliteConnection {
    return super.getConnection(type) as StatementCachingSqliteConnection;
  }
}

/** The SQLite driver class for MikroORM's `driver` option: statements cached per connection, 0 = none. */
export function sqliteDriverClass(statementCacheSize = DEFAULT_STATEMENT_CACHE_SIZE): typeof SqliteDriver {
  if (statementCacheSize === DEFAULT_STATEMENT_CACHE_SIZE) return StatementCachingSqliteDriver;
  if (!Number.isInteger(statementCacheSize) || statementCacheSize < 0)
    throw new RangeError(`statement cache size ${statementCacheSize}`);
  return class extends StatementCachingSqliteDriver {
    static override statementCacheSize = statementCacheSize;
  };
}
