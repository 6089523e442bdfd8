// SQLite transactions that take the write lock when they begin (`BEGIN IMMEDIATE`), not at their first write.
//
// Kysely's SQLite driver (and so MikroORM) begins with a plain deferred `BEGIN`. A deferred transaction that
// reads first (find the role, then insert the user; load the product, then flush it) holds a read snapshot;
// when another process has written since, SQLite cannot let it become the writer and fails its first write at
// once with SQLITE_BUSY, without waiting: busy_timeout does not apply. With two API processes on one file
// (API_WORKERS, or two servers) that was a 500 for sign-ups, profile upserts and product updates. Begun
// IMMEDIATE, a transaction waits (busy_timeout) for the other process's writer and then reads the latest data.
// Within one process nothing changes: MikroORM's SQLite connection runs one transaction at a time anyway, and
// MikroORM opens transactions only for writes (units of work, migrations).
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** Kysely's SqliteDialect whose transactions begin IMMEDIATE. */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
