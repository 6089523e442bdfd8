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
  });
});
