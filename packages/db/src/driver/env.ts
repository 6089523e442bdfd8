// Settings from the environment: the one parser every process's env schema goes through (parseEnv), and the
// database's settings, whose defaults follow NODE_ENV.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type DatabaseTarget, parseDatabaseUrl } from './database-url.ts';

/** The repository root; the development SQLite file lives in its git-ignored data/ folder. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const DEVELOPMENT_DATABASE_FILE = path.join(REPO_ROOT, 'data', 'dev.db');

const DatabaseEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.string().trim().min(1).optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DB_POOL_IDLE_MS: z.coerce.number().int().min(0).default(30_000),
});

export interface DatabaseSettings {
  nodeEnv: 'development' | 'test' | 'production';
  target: DatabaseTarget;
  pool: { max: number; idleTimeoutMillis: number };
}

/** Settings a process cannot start with; the message is one line saying which and why. */
export class EnvError extends Error {
  override name = 'EnvError';
}

/**
 * `values` (the environment, or settings read from it) parsed with `schema`; when they do not fit, an EnvError
 * with the first problem on one line, `PORT: Too big: expected number to be <=65535`, and `hint` after it.
 */
export function parseEnv<Schema extends z.ZodType>(schema: Schema, values: unknown, hint?: string): z.output<Schema> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const line = `${issue?.path.join('.') ?? 'environment'}: ${issue?.message ?? 'invalid'}`;
  throw new EnvError(hint ? `${line} (${hint})` : line);
}

/** Reads NODE_ENV, DATABASE_URL and the pool settings; throws one clear line when they are unusable. */
export function loadDatabaseSettings(env: NodeJS.ProcessEnv = process.env): DatabaseSettings {
  const { NODE_ENV, DATABASE_URL, DB_POOL_MAX, DB_POOL_IDLE_MS } = parseEnv(DatabaseEnv, env);
  let target: DatabaseTarget;
  if (DATABASE_URL) target = parseDatabaseUrl(DATABASE_URL, REPO_ROOT);
  else if (NODE_ENV === 'production') throw new EnvError('DATABASE_URL is required when NODE_ENV=production');
  else if (NODE_ENV === 'test') target = { dialect: 'sqlite', file: ':memory:' };
  else target = { dialect: 'sqlite', file: DEVELOPMENT_DATABASE_FILE };
  return { nodeEnv: NODE_ENV, target, pool: { max: DB_POOL_MAX, idleTimeoutMillis: DB_POOL_IDLE_MS } };
}
