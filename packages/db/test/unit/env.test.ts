// The one parser of environment settings (the API's and the database's): the first problem as one line
// naming the variable, so a process that cannot start says why in the one line it prints.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EnvError, loadDatabaseSettings, parseEnv } from '../../src/driver/env.ts';

const Settings = z.object({
  PORT: z.coerce.number().int().max(65_535).default(3000),
  LIMITS: z.object({ max: z.number().min(1) }).optional(),
});

const problem = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an EnvError');
};

describe('parseEnv', () => {
  it('returns the parsed settings, defaults and coercions applied', () => {
    expect(parseEnv(Settings, { PORT: '8080', UNRELATED: 'x' })).toEqual({ PORT: 8080 });
    expect(parseEnv(Settings, {})).toEqual({ PORT: 3000 });
  });

  it('throws an EnvError whose message is the first problem on one line, naming the variable', () => {
    const error = problem(() => parseEnv(Settings, { PORT: '70000', LIMITS: { max: 0 } }));
    expect(error).toBeInstanceOf(EnvError);
    expect((error as Error).message).toBe('PORT: Too big: expected number to be <=65535');
  });

  it('joins a nested path with dots and puts the hint after the problem', () => {
    const error = problem(() => parseEnv(Settings, { LIMITS: { max: 0 } }, 'set LIMITS'));
    expect((error as Error).message).toBe('LIMITS.max: Too small: expected number to be >=1 (set LIMITS)');
  });
});

describe('loadDatabaseSettings', () => {
  it('says which variable is unusable, and that production needs DATABASE_URL', () => {
    expect(() => loadDatabaseSettings({ DB_POOL_MAX: '0' })).toThrowError(
      new EnvError('DB_POOL_MAX: Too small: expected number to be >=1'),
    );
    expect(() => loadDatabaseSettings({ NODE_ENV: 'production' })).toThrowError(
      new EnvError('DATABASE_URL is required when NODE_ENV=production'),
    );
    expect(loadDatabaseSettings({ NODE_ENV: 'test' }).target).toEqual({ dialect: 'sqlite', file: ':memory:' });
    expect(() => loadDatabaseSettings({ DB_CONNECT_TIMEOUT_MS: '0' })).toThrowError(
      new EnvError('DB_CONNECT_TIMEOUT_MS: Too small: expected number to be >=100'),
    );
  });

  it('reads the pool settings, each with its default', () => {
    expect(loadDatabaseSettings({ NODE_ENV: 'test' }).pool).toEqual({
      max: 10,
      idleTimeoutMillis: 30_000,
      connectTimeoutMillis: 10_000,
    });
    expect(
      loadDatabaseSettings({ NODE_ENV: 'test', DB_POOL_MAX: '4', DB_POOL_IDLE_MS: '0', DB_CONNECT_TIMEOUT_MS: '2500' })
        .pool,
    ).toEqual({ max: 4, idleTimeoutMillis: 0, connectTimeoutMillis: 2_500 });
  });
});

describe('DATABASE_REPLICA_URLS', () => {
  const primary = 'postgresql://shop@db-1.internal:5432/shop';

  it('reads comma-separated PostgreSQL URLs and the rotation settings, with the sticky window derived', () => {
    const settings = loadDatabaseSettings({
      DATABASE_URL: primary,
      DATABASE_REPLICA_URLS: ' postgresql://shop@db-2.internal/shop , postgres://shop:pw@db-3.internal:5433/shop',
    });
    expect(settings.replicas).toEqual({
      targets: [
        { dialect: 'postgresql', url: 'postgresql://shop@db-2.internal/shop', database: 'shop' },
        { dialect: 'postgresql', url: 'postgresql://shop:pw@db-3.internal:5433/shop', database: 'shop' },
      ],
      maxLagMs: 5_000,
      checkIntervalMs: 1_000,
      checkTimeoutMs: 1_000,
      stickyMs: 7_000,
    });
    expect(
      loadDatabaseSettings({
        DATABASE_URL: primary,
        DATABASE_REPLICA_URLS: 'postgresql://shop@db-2.internal/shop',
        REPLICA_MAX_LAG_MS: '2000',
        REPLICA_CHECK_INTERVAL_MS: '250',
        REPLICA_STICKY_MS: '0',
      }).replicas,
    ).toMatchObject({ maxLagMs: 2_000, checkIntervalMs: 250, checkTimeoutMs: 1_000, stickyMs: 0 });
  });

  it('is no replica when unset or empty', () => {
    expect(loadDatabaseSettings({ DATABASE_URL: primary }).replicas).toBeNull();
    expect(loadDatabaseSettings({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: ' ' }).replicas).toBeNull();
  });

  it.each([
    [
      'postgresql://shop@db-2.internal/shop,',
      'DATABASE_REPLICA_URLS: entry 2 is empty (a stray comma?); use postgresql://user:pass@host:port/db, comma-separated',
    ],
    [
      'postgresql://shop:secret@db-2.internal/',
      'DATABASE_REPLICA_URLS: entry 1 "postgresql://shop:***@db-2.internal/" names no database; use postgresql://user:pass@host:port/db, comma-separated',
    ],
    [
      'postgresql://shop@db-2.internal/shop,mysql://root@db-3/shop',
      'DATABASE_REPLICA_URLS: entry 2 "mysql://root@db-3/shop" is MariaDB, not PostgreSQL; use postgresql://user:pass@host:port/db, comma-separated',
    ],
    [
      'http://db-2/shop',
      'DATABASE_REPLICA_URLS: entry 1 "http://db-2/shop" uses an unsupported scheme; use postgresql://user:pass@host:port/db, comma-separated',
    ],
    [
      'data/replica.db',
      'DATABASE_REPLICA_URLS: entry 1 "data/replica.db" is SQLite, not PostgreSQL; use postgresql://user:pass@host:port/db, comma-separated',
    ],
  ])('refuses %s in one line naming the entry', (value, line) => {
    expect(() => loadDatabaseSettings({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: value })).toThrowError(
      new EnvError(line),
    );
  });

  it('refuses replicas beside a SQLite or MariaDB DATABASE_URL, and a bad bound', () => {
    const replicas = { DATABASE_REPLICA_URLS: 'postgresql://shop@db-2.internal/shop' };
    expect(() => loadDatabaseSettings({ NODE_ENV: 'test', ...replicas })).toThrowError(
      new EnvError(
        'DATABASE_REPLICA_URLS: read replicas need a PostgreSQL DATABASE_URL, and it is SQLite; unset DATABASE_REPLICA_URLS',
      ),
    );
    expect(() => loadDatabaseSettings({ DATABASE_URL: 'mysql://root@db-1/shop', ...replicas })).toThrowError(
      new EnvError(
        'DATABASE_REPLICA_URLS: read replicas need a PostgreSQL DATABASE_URL, and it is MariaDB; unset DATABASE_REPLICA_URLS',
      ),
    );
    expect(() => loadDatabaseSettings({ DATABASE_URL: primary, ...replicas, REPLICA_MAX_LAG_MS: '5s' })).toThrowError(
      new EnvError('REPLICA_MAX_LAG_MS: Invalid input: expected number, received NaN'),
    );
  });
});
