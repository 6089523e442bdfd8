// The services' one rule: each aggregate's `reads.ts` answers with one statement per read through
// `kysely(em)`, its rows mapped by the one mapper of their view; its `writes.ts` changes rows in units of work
// (entities, native updates) and returns the result through that same read: inside the transaction when
// the answer must match what was written under its locks, after the commit when no lock needs holding over
// the read (a new user, a checkout). A row written once and never changed (a ledger row) is returned by its
// own INSERT … RETURNING the read's columns, through the same mapper. A service that touches one user's rows
// takes a required `Scope`.
import {
  DeadlockException,
  type EntityName,
  type FilterQuery,
  LockWaitTimeoutException,
  type Primary,
} from '@mikro-orm/core';
import { translateErrors } from '../driver/driver-errors.ts';
import type { EntityManager } from '../driver/orm.ts';
import { refuseNulIn } from '../driver/text-guard.ts';
import { foundOrFail } from './not-found.ts';

/**
 * One unit of work: `work` runs in a transaction on the EntityManager it is given, MikroORM flushes once at
 * its end, and driver exceptions (constraint violations, numeric overflow) come out as domain errors.
 */
export function unitOfWork<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return translateErrors(() => em.transactional(work));
}

/**
 * A write of exactly one INSERT: the database makes a single statement atomic on its own, so it runs without
 * BEGIN/COMMIT (two round trips fewer). What a flush would check is checked (no NUL in text, JSON within its
 * depth), and driver exceptions come out as domain errors as in `unitOfWork`. Returns the new row's key.
 */
export async function insertOne<T extends object>(em: EntityManager, entity: T): Promise<Primary<T>> {
  refuseNulIn(entity);
  return translateErrors(() => em.insert(entity));
}

/** Raw driver codes of the same failures, from statements that bypass MikroORM's exception mapping (Kysely):
 * PostgreSQL's deadlock, serialization failure and lock timeout SQLSTATEs, MariaDB's deadlock and lock wait errnos. */
const LOCK_STATES = new Set(['40P01', '40001', '55P03']);
const LOCK_ERRNOS = new Set([1213, 1205]);

/** The database broke a deadlock or a lock wait timed out: the same unit of work may well pass next time. */
const brokeALock = (error: unknown) => {
  if (error instanceof DeadlockException || error instanceof LockWaitTimeoutException) return true;
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  return (typeof code === 'string' && LOCK_STATES.has(code)) || (typeof errno === 'number' && LOCK_ERRNOS.has(errno));
};

/**
 * Runs `attempt` (a unit of work) again, on a cleared EntityManager and after a short random backoff, while
 * `retryable` says its error may pass next time (by default: a deadlock or lock wait timeout, from units of
 * work that lock rows): up to `attempts` times, then the error stands.
 */
export async function retrying<T>(
  em: EntityManager,
  attempt: () => Promise<T>,
  { retryable = brokeALock, attempts = 5 }: { retryable?: (error: unknown) => boolean; attempts?: number } = {},
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!retryable(error) || n >= attempts) throw error;
      em.clear();
      await new Promise((resolve) => setTimeout(resolve, 2 ** n * 5 + Math.random() * 10));
    }
  }
}

/** Deletes what `where` matches in one statement, in a unit of work; NotFoundError for `what` `key` if nothing. */
export async function deleteOrNotFound<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<NoInfer<T>>,
  what: string,
  key: string | number,
): Promise<void> {
  foundOrFail(await unitOfWork(em, (tx) => tx.nativeDelete(entity, where)), what, key);
}
