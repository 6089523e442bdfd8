// The bank scenario (bank-scenario.ts) on each dialect: a SQLite file, or a fresh PostgreSQL or MariaDB
// database, shared by two API processes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOrm } from '@shop/db';
import { createTestDatabase, serverUnavailable, skipWithoutDatabase, testDialect } from '@shop/db/testing';
import { type BankDatabase, bankSuite } from './bank-scenario.ts';

bankSuite({
  label: testDialect,
  skip: skipWithoutDatabase,
  async open(): Promise<BankDatabase | null> {
    if (testDialect === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'shop-bank-'));
      const file = join(dir, 'bank.db');
      const orm = await openOrm({ dialect: 'sqlite', file });
      await orm.migrator.up();
      await orm.close(true);
      return {
        target: { dialect: 'sqlite', file },
        url: `sqlite:///${file}`, // sqlite:////tmp/…: an absolute path
        destroy: async () => rmSync(dir, { recursive: true, force: true }),
      };
    }
    if (serverUnavailable()) return null;
    const database = await createTestDatabase(testDialect); // a PostgreSQL or MariaDB database, created and migrated
    if (database.target.dialect === 'sqlite') throw new Error(`createTestDatabase gave no ${testDialect} database`);
    const url = database.target.url;
    // The servers own the database; this handle only drops it afterwards.
    return { target: database.target, url, destroy: () => database.destroy() };
  },
});
