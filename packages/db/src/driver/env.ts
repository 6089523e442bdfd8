// Settings from the environment: the one parser every process's env schema goes through (parseEnv), and the
// database's settings, whose defaults follow NODE_ENV.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type DatabaseTarget, DatabaseUrlError, parseDatabaseUrl, redact } from './database-url.ts';

/** The repository root; the development SQLite file lives in its git-ignored data/ folder. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const DEVELOPMENT_DATABASE_FILE = path.join(REPO_ROOT, 'data', 'dev.db');

export type PostgresTarget = Extract<DatabaseTarget, { dialect: 'postgresql' }>;

const REPLICA_FORM = 'postgresql://user:pass@host:port/db, comma-separated';

/** DATABASE_REPLICA_URLS: PostgreSQL URLs, comma-separated; empty or unset means no replica. */
const replicaUrls = z
  .string()
  .optional()
  .transform((value, context): PostgresTarget[] => {
    if (!value?.trim()) return [];
    const entries = value.split(',').map((entry) => entry.trim());
    const targets: PostgresTarget[] = [];
    for (const [index, entry] of entries.entries()) {
      const variable = `entry ${index + 1}`;
      let target: DatabaseTarget | undefined;
      try {
        if (entry === '') throw new DatabaseUrlError(`${variable} is empty (a stray comma?); use ${REPLICA_FORM}`);
        target = parseDatabaseUrl(entry, REPO_ROOT, { variable, accepted: REPLICA_FORM });
        if (target.dialect !== 'postgresql')
          throw new DatabaseUrlError(
            `${variable} "${redact(entry)}" is ${target.dialect === 'sqlite' ? 'SQLite' : 'MariaDB'}, not PostgreSQL; use ${REPLICA_FORM}`,
          );
        targets.push(target);
      } catch (error) {
        if (!(error instanceof DatabaseUrlError)) throw error;
        context.issues.push({ code: 'custom', input: value, message: error.message });
        return z.NEVER;
      }
    }
    return targets;
  });

/**
 * PostgreSQL and MariaDB connections of one process: how many, how long one may sit idle, and how long a
 * new one may take to be ready before the caller gets an error (a server that accepts and never answers).
 */
export interface PoolSettings {
  max: number;
  idleTimeoutMillis: number;
  connectTimeoutMillis: number;
}

/** DB_POOL_MAX, DB_POOL_IDLE_MS and DB_CONNECT_TIMEOUT_MS when unset (and openOrm's without pool settings). */
export const POOL_DEFAULTS: PoolSettings = { max: 10, idleTimeoutMillis: 30_000, connectTimeoutMillis: 10_000 };

const DatabaseEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.string().trim().min(1).optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(POOL_DEFAULTS.max),
  DB_POOL_IDLE_MS: z.coerce.number().int().min(0).default(POOL_DEFAULTS.idleTimeoutMillis),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(POOL_DEFAULTS.connectTimeoutMillis),
  DATABASE_REPLICA_URLS: replicaUrls,
  REPLICA_MAX_LAG_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  REPLICA_CHECK_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  REPLICA_STICKY_MS: z.coerce.number().int().min(0).max(3_600_000).optional(),
});

/**
 * Streaming replicas that may answer reads (PostgreSQL only): each is taken out of rotation when
 * unreachable or more than `maxLagMs` behind, checked every `checkIntervalMs`; a caller who wrote reads
 * the primary for `stickyMs` afterwards (docs/replicas.md).
 */
export interface ReplicaSettings {
  targets: PostgresTarget[];
  maxLagMs: number;
  checkIntervalMs: number;
  /** A check not answered within this is a replica out of rotation (derived: the interval, at least 1 s). */
  checkTimeoutMs: number;
  stickyMs: number;
}

export interface DatabaseSettings {
  nodeEnv: 'development' | 'test' | 'production';
  target: DatabaseTarget;
  pool: PoolSettings;
  /** null without DATABASE_REPLICA_URLS. */
  replicas: ReplicaSettings | null;
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

/**
 * Reads NODE_ENV, DATABASE_URL, the pool settings and the read replicas' (DATABASE_REPLICA_URLS, REPLICA_*);
 * throws one clear line when they are unusable.
 */
export function loadDatabaseSettings(env: NodeJS.ProcessEnv = process.env): DatabaseSettings {
  const settings = parseEnv(DatabaseEnv, env);
  const { NODE_ENV, DATABASE_URL } = settings;
  let target: DatabaseTarget;
  if (DATABASE_URL) target = parseDatabaseUrl(DATABASE_URL, REPO_ROOT);
  else if (NODE_ENV === 'production') throw new EnvError('DATABASE_URL is required when NODE_ENV=production');
  else if (NODE_ENV === 'test') target = { dialect: 'sqlite', file: ':memory:' };
  else target = { dialect: 'sqlite', file: DEVELOPMENT_DATABASE_FILE };
  return {
    nodeEnv: NODE_ENV,
    target,
    pool: {
      max: settings.DB_POOL_MAX,
      idleTimeoutMillis: settings.DB_POOL_IDLE_MS,
      connectTimeoutMillis: settings.DB_CONNECT_TIMEOUT_MS,
    },
    replicas: replicaSettings(settings, target),
  };
}

function replicaSettings(settings: z.output<typeof DatabaseEnv>, target: DatabaseTarget): ReplicaSettings | null {
  const targets = settings.DATABASE_REPLICA_URLS;
  if (targets.length === 0) return null;
  if (target.dialect !== 'postgresql') {
    const primary = target.dialect === 'sqlite' ? 'SQLite' : 'MariaDB';
    throw new EnvError(
      `DATABASE_REPLICA_URLS: read replicas need a PostgreSQL DATABASE_URL, and it is ${primary}; unset DATABASE_REPLICA_URLS`,
    );
  }
  const maxLagMs = settings.REPLICA_MAX_LAG_MS;
  const checkIntervalMs = settings.REPLICA_CHECK_INTERVAL_MS;
  const checkTimeoutMs = Math.max(checkIntervalMs, 1_000);
  // A replica in rotation was at most maxLagMs behind when last checked, and that check is at most one
  // interval plus one check's timeout old: a write is visible on every replica in rotation this long after.
  const stickyMs = settings.REPLICA_STICKY_MS ?? maxLagMs + checkIntervalMs + checkTimeoutMs;
  return { targets, maxLagMs, checkIntervalMs, checkTimeoutMs, stickyMs };
}
