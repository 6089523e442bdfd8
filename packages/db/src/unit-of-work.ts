// The shapes every service uses: one unit of work per write (run again when the database broke a deadlock),
// and "find or NotFound".
import { DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';
import { NotFoundError, translateErrors } from './errors.ts';
import type { EntityManager } from './orm.ts';

/**
 * One unit of work: `work` runs in a transaction on the EntityManager it is given, MikroORM flushes once at
 * its end, and driver exceptions (constraint violations, numeric overflow) come out as domain errors.
 */
export function unitOfWork<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return translateErrors(() => em.transactional(work));
}

const MAX_ATTEMPTS = 5;
const isRetryable = (error: unknown) => error instanceof DeadlockException || error instanceof LockWaitTimeoutException;

/**
 * Runs `attempt` (units of work that lock rows) again, on a cleared EntityManager and after a short random
 * backoff, when the database broke a deadlock or a lock wait timed out: up to 5 times, then the error stands.
 */
export async function retryingDeadlocks<T>(em: EntityManager, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetryable(error) || n >= MAX_ATTEMPTS) throw error;
      em.clear();
      await new Promise((resolve) => setTimeout(resolve, 2 ** n * 5 + Math.random() * 10));
    }
  }
}

/**
 * "find or NotFound" for statements without entities: a read's row (undefined when there is none) or a
 * write's count of affected rows (0 when there was none), else the domain's NotFoundError for `what` `key`.
 */
export function foundOrFail<T>(found: T, what: string, key: string | number): Exclude<T, undefined | null | 0> {
  if (found === undefined || found === null || found === 0) throw new NotFoundError(what, key);
  return found as Exclude<T, undefined | null | 0>;
}

/** "user", "user profile": the entity name as a person would say it. */
const spoken = (entityName: string) => entityName.replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase();

/**
 * What `em.findOneOrFail` throws (set as the ORM's `findOneOrFailHandler`): the domain's NotFoundError,
 * keyed by the id, or by the single condition the lookup used ("role \"admin\" not found").
 */
export function notFound(entityName: string, where: unknown): NotFoundError {
  const key =
    typeof where === 'object' && where !== null
      ? (Object.values(where as Record<string, unknown>).find((v) => typeof v === 'string' || typeof v === 'number') ??
        JSON.stringify(where))
      : String(where);
  return new NotFoundError(spoken(entityName), key as string | number);
}
