// One unit of work per write, run again when the database broke a deadlock or a lock wait timed out.
import { DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';
import { translateErrors } from '../driver/driver-errors.ts';
import type { EntityManager } from '../driver/orm.ts';

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
