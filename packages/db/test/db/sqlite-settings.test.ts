// SQLite files open with the settings the README documents (WAL, NORMAL sync, busy timeout, FKs, mmap).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testDialect } from '@shop/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrm } from '../../src/driver/orm.ts';

// Created and removed inside the suite: in the other dialect's project it never runs, nor would its hooks.
let folder = '';

describe.runIf(testDialect === 'sqlite')('SQLite connection settings', () => {
  beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'shop-sqlite-settings-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('sets WAL, synchronous=NORMAL, busy_timeout, foreign keys and a memory-mapped read path', async () => {
    const orm = await openOrm({ dialect: 'sqlite', file: path.join(folder, 'settings.db') });
    try {
      const connection = orm.em.getConnection();
      const value = async (pragma: string) => Object.values((await connection.execute(`pragma ${pragma}`))[0] ?? {})[0];
      expect(await value('journal_mode')).toBe('wal');
      expect(await value('synchronous')).toBe(1); // NORMAL
      expect(await value('busy_timeout')).toBe(5000);
      expect(await value('foreign_keys')).toBe(1);
      expect(await value('mmap_size')).toBe(268_435_456);
    } finally {
      await orm.close();
    }
  });
});
