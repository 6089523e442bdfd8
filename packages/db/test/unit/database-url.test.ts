import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseUrlError, parseDatabaseUrl, redact } from '../../src/driver/database-url.ts';

describe('parseDatabaseUrl', () => {
  const cwd = '/srv/app';

  it.each([
    ['sqlite:///app.db', { dialect: 'sqlite', file: path.resolve(cwd, 'app.db') }],
    ['sqlite:////var/lib/shop.db', { dialect: 'sqlite', file: '/var/lib/shop.db' }],
    ['sqlite:///:memory:', { dialect: 'sqlite', file: ':memory:' }],
    ['./data/dev.db', { dialect: 'sqlite', file: path.resolve(cwd, 'data/dev.db') }],
    ['/tmp/x.db', { dialect: 'sqlite', file: '/tmp/x.db' }],
    [
      'postgresql://user:pass@localhost:5432/mydb',
      { dialect: 'postgresql', url: 'postgresql://user:pass@localhost:5432/mydb', database: 'mydb' },
    ],
    [
      'postgres://user@localhost/shop',
      { dialect: 'postgresql', url: 'postgresql://user@localhost/shop', database: 'shop' },
    ],
    [
      'mysql://root@127.0.0.1:3306/shop',
      { dialect: 'mariadb', url: 'mysql://root@127.0.0.1:3306/shop', database: 'shop' },
    ],
    ['mariadb://u:p@db.internal/shop', { dialect: 'mariadb', url: 'mysql://u:p@db.internal/shop', database: 'shop' }],
  ])('accepts %s', (url, expected) => {
    expect(parseDatabaseUrl(url, cwd)).toEqual(expected);
  });

  it.each([
    ['mssql://root@localhost/shop', 'unsupported scheme'],
    ['mysql://root@localhost', 'names no database'],
    ['postgresql://localhost', 'names no database'],
    ['sqlite://app.db', 'not a valid SQLite URL'],
    ['   ', 'is empty'],
  ])('rejects %s with one line naming the accepted forms', (url, why) => {
    expect(() => parseDatabaseUrl(url, cwd)).toThrowError(DatabaseUrlError);
    expect(() => parseDatabaseUrl(url, cwd)).toThrowError(new RegExp(`${why}.*sqlite:///relative\\.db`));
  });

  it('never echoes a password', () => {
    expect(() => parseDatabaseUrl('postgresql://u:s3cret@/db')).toThrowError(/u:\*\*\*@/);
    expect(redact('postgresql://u:s3cret@h/db')).toBe('postgresql://u:***@h/db');
  });
});
