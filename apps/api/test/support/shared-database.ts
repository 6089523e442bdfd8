// One database for several API processes (the multi-process suites): a SQLite file in a temporary folder, or
// a fresh migrated PostgreSQL or MariaDB database. Null when this project's server is unreachable (never
// under CI, where the setup fails instead).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseTarget, type Orm, openOrm } from '@shop/db';
import { createTestDatabase, serverUnavailable, type TestDatabase, testDialect } from '@shop/db/testing';

export interface SharedDatabase {
  target: DatabaseTarget;
  /** What the API processes get as DATABASE_URL. */
  databaseUrl: string;
  /** Runs `fill` on a migrated ORM of the database (SQLite's is closed afterwards: the servers own the file). */
  fill<T>(fill: (orm: Orm) => Promise<T>): Promise<T>;
  destroy(): Promise<void>;
}

export async function sharedDatabase(name: string): Promise<SharedDatabase | null> {
  let server: TestDatabase | undefined;
  let dir: string | undefined;
  let target: DatabaseTarget;
  let databaseUrl: string;
  if (testDialect !== 'sqlite') {
    if (serverUnavailable()) return null;
    server = await createTestDatabase(testDialect);
    target = server.target;
    if (target.dialect === 'sqlite') throw new Error(`createTestDatabase gave no ${testDialect} database`);
    databaseUrl = target.url;
  } else {
    dir = mkdtempSync(join(tmpdir(), `shop-${name}-`));
    const file = join(dir, `${name}.db`);
    target = { dialect: 'sqlite', file };
    databaseUrl = `sqlite:///${file}`; // sqlite:////tmp/…: an absolute path
  }
  return {
    target,
    databaseUrl,
    async fill(fill) {
      const orm = server?.orm ?? (await openOrm(target));
      try {
        if (!server) await orm.migrator.up();
        return await fill(orm);
      } finally {
        if (!server) await orm.close(true);
      }
    },
    async destroy() {
      await server?.destroy();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
