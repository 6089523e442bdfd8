// @shop/db/testing: fresh databases on both dialects for the test suites of every package.
import { afterAll, beforeAll, beforeEach, inject, type TestContext } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialect } from './database.ts';

export * from './database.ts';

import './provided-context.ts';

/** Skips the current test when this is the PostgreSQL project and no server is reachable (never under CI). */
export function skipWithoutDatabase(context: TestContext): void {
  if (testDialect !== 'postgresql') return;
  const problem = inject('postgresUnavailable');
  if (problem) context.skip(`PostgreSQL unavailable: ${problem}`);
}

/** beforeAll/afterAll-style helper: one migrated database per test file, emptied before each test. */
export async function openFileDatabase(): Promise<TestDatabase | null> {
  if (testDialect === 'postgresql' && inject('postgresUnavailable')) return null;
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
