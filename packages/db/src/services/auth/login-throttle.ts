// Rate-limit budgets kept in the database, so every API process (and every server on the same database)
// counts against one budget per key. Every operation here is a write of ONE statement, atomic on its own
// (no transaction, no read-then-write): PostgreSQL and MariaDB lock the row for the upsert, SQLite
// serializes writers.
// Budgets use a fixed window: the first point of a key opens a window of `windowSeconds`; once it has
// ended, the next point starts a new one. Times are parameters (`now`), stored the way MikroORM stores
// datetimes.
import { createHash } from 'node:crypto';
import type { ExpressionBuilder } from 'kysely';
import { dialectOf, type EntityManager } from '../../driver/orm.ts';
import { kysely, paramEncoder, rowDecoder, type ShopDB } from '../../driver/sql.ts';
import { LOGIN_THROTTLE_KEY_LENGTH } from '../../entities/login-throttle.ts';

export interface BudgetLimit {
  /** Points the window allows. */
  points: number;
  /** Length of the window opened by a key's first point. */
  windowSeconds: number;
  now?: Date;
}

export interface BudgetState {
  /** Whether this point was within the budget. */
  allowed: boolean;
  /** Points used in the current window, this one included. */
  used: number;
  /** Seconds until the window ends when not allowed (at least 1), else 0. */
  retryAfterSeconds: number;
}

/**
 * Keys longer than the column, or holding a NUL (PostgreSQL text cannot), are stored as their SHA-256: no
 * input (a sign-in identifier is user input) can make a statement fail.
 */
const storedKey = (key: string) =>
  key.length <= LOGIN_THROTTLE_KEY_LENGTH && !key.includes('\u0000')
    ? key
    : `sha256:${createHash('sha256').update(key).digest('hex')}`;

const secondsUntil = (end: Date, now: Date) => Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));

/**
 * Adds a point to `key` in one upsert: a missing key, or one whose window has ended, starts a new window at
 * one point; otherwise its points grow. Returns the points and the window's end after it.
 */
async function addPoint(
  em: EntityManager,
  key: string,
  windowSeconds: number,
  now: Date,
): Promise<{ points: number; resetAt: Date }> {
  const param = paramEncoder(em);
  const at = param.date(now) as Date;
  const newWindowEnd = param.date(new Date(now.getTime() + windowSeconds * 1000)) as Date;
  // The row's new state, from the row as it was: a window that has ended restarts at one point.
  const update = (eb: ExpressionBuilder<ShopDB, 'login_throttles'>) => {
    const ended = eb('login_throttles.reset_at', '<=', at);
    return {
      points: eb
        .case()
        .when(ended)
        .then(eb.val(1))
        .else(eb('login_throttles.points', '+', eb.val(1)))
        .end(),
      reset_at: eb.case().when(ended).then(eb.val(newWindowEnd)).else(eb.ref('login_throttles.reset_at')).end(),
    };
  };
  const db = kysely(em);
  const insert = db.insertInto('login_throttles').values({ key: storedKey(key), points: 1, reset_at: newWindowEnd });
  const dialect = dialectOf(em);
  const upsert =
    dialect === 'sqlite' || dialect === 'postgresql'
      ? // Every SET expression reads the row as it was before the update.
        insert.onConflict((conflict) => conflict.column('key').doUpdateSet(update))
      : // MariaDB (10.5+ for RETURNING): ON DUPLICATE KEY UPDATE assigns left to right and later expressions
        // see earlier assignments; points is assigned first and reset_at reads only itself, so both still
        // read the row as it was.
        insert.onDuplicateKeyUpdate(update);
  // Run as a compiled query: Kysely's MySQL adapter would drop the RETURNING rows of `execute()`.
  const { rows } = await db.executeQuery(upsert.returning(['points', 'reset_at']).compile());
  const row = rows[0];
  if (!row) throw new Error('login_throttles upsert returned no row');
  return { points: Number(row.points), resetAt: rowDecoder(em).date(row.reset_at) };
}

/** Uses one point of `key`'s budget, counted even when over it; `allowed` says whether it was within. */
export async function consumeBudget(
  em: EntityManager,
  key: string,
  { points, windowSeconds, now = new Date() }: BudgetLimit,
): Promise<BudgetState> {
  const after = await addPoint(em, key, windowSeconds, now);
  const allowed = after.points <= points;
  return { allowed, used: after.points, retryAfterSeconds: allowed ? 0 : secondsUntil(after.resetAt, now) };
}

/** Gives one point of `key`'s current window back (never below 0): an attempt counted first that succeeded. */
export async function refundPoint(em: EntityManager, key: string): Promise<void> {
  await kysely(em)
    .updateTable('login_throttles')
    .set((eb) => ({ points: eb('points', '-', 1) }))
    .where('key', '=', storedKey(key))
    .where('points', '>', 0)
    .execute();
}

/** The points `key` has used in its current window (0 for none, or a window that has ended); counts nothing. */
export async function pointsUsed(em: EntityManager, key: string, now = new Date()): Promise<number> {
  const row = await kysely(em)
    .selectFrom('login_throttles')
    .select('points')
    .where('key', '=', storedKey(key))
    .where('reset_at', '>', paramEncoder(em).date(now) as Date)
    .executeTakeFirst();
  return row ? Number(row.points) : 0;
}

/** Forgets `key`'s budget (a successful sign-in clears the account's failures). */
export async function resetBudget(em: EntityManager, key: string): Promise<void> {
  await kysely(em).deleteFrom('login_throttles').where('key', '=', storedKey(key)).execute();
}

/**
 * Deletes the budgets whose window has ended (they no longer limit anything), so the table holds at most
 * the keys seen in the last window. Uses the `reset_at` index; callers run it now and then (the API's
 * LoginLimiter: at most once a minute per process). Returns the number of rows deleted.
 */
export async function purgeExpiredBudgets(em: EntityManager, now = new Date()): Promise<number> {
  const result = await kysely(em)
    .deleteFrom('login_throttles')
    .where('reset_at', '<=', paramEncoder(em).date(now) as Date)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
