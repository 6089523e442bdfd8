// @shop/db/testing: fresh databases on every dialect for the test suites of every package.
import { afterAll, beforeAll, beforeEach, inject, type TestContext } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialect } from './database.ts';

export * from './balances.ts';
export * from './database.ts';
export * from './database-link.ts';
export * from './replica.ts';

import './provided-context.ts';

/** Why this project's database server is unreachable (never under CI, where the setup fails instead). */
export function serverUnavailable(): string | null {
  if (testDialect === 'sqlite') return null;
  return inject(testDialect === 'postgresql' ? 'postgresUnavailable' : 'mariadbUnavailable') ?? null;
}

/** Skips the current test when this project's server (PostgreSQL, MariaDB) is unreachable (never under CI). */
export function skipWithoutDatabase(context: TestContext): void {
  const problem = serverUnavailable();
  if (problem) context.skip(`${testDialect} unavailable: ${problem}`);
}

/** Skips the current test when no primary and streaming replica can be built here (never under CI). */
export function skipWithoutReplica(context: TestContext): void {
  const problem = inject('replicaUnavailable');
  if (problem) context.skip(`no PostgreSQL replica: ${problem}`);
}

/** beforeAll/afterAll-style helper: one migrated database per test file, emptied before each test. */
export async function openFileDatabase(): Promise<TestDatabase | null> {
  if (serverUnavailable()) return null;
  return createTestDatabase(testDialect);
}

/**
 * Registers the per-file hooks: a migrated database for the file (created in beforeAll, dropped in
 * afterAll) emptied before each test. Returns accessors for the database and a fresh EntityManager fork.
 */
export function useTestDatabase() {
  let db: TestDatabase | null = null;
  beforeAll(async () => {
    db = await openFileDatabase();
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
  });
  beforeEach(async (context) => {
    skipWithoutDatabase(context);
    await db?.clear();
  });
  const current = () => {
    if (!db) throw new Error('the test database is not open (PostgreSQL unavailable?)');
    return db;
  };
  return { db: current, em: () => current().orm.em.fork() };
}
