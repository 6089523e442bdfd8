// "find or NotFound" in one shape: for statements without entities (`foundOrFail`) and for MikroORM's
// `findOneOrFail` (`notFound`, its configured handler), both throwing the domain's NotFoundError.
import { NotFoundError } from '../domain/errors.ts';

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
