// Object-level access in one shape: every service that touches a user's rows takes a required `Scope` and
// applies it where it reads or changes the rows (in the same statement where there is one). There is no
// default: forgetting the argument is a type error, never "anyone's".
import { NotFoundError } from './errors.ts';

/**
 * Whose rows the caller may touch: one user's (`{ userId }`, a customer), or anyone's (`'any'`: an admin,
 * or an operator's script).
 */
export type Scope = { readonly userId: number } | 'any';

export const userScope = (userId: number): Scope => ({ userId });

/**
 * The scope as an equality filter on `key`: `{ [key]: userId }`, or `{}` for `'any'`. The same object serves
 * a MikroORM `where` (`{ id, ...ownedBy(scope, 'owner') }`) and a Kysely filter
 * (`.where((eb) => eb.and(ownedBy(scope, 'owner_id')))`, where `{}` is `1 = 1`).
 */
export function ownedBy<K extends string>(scope: Scope, key: K): Partial<Record<K, number>> {
  return scope === 'any' ? {} : ({ [key]: scope.userId } as Record<K, number>);
}

/** Someone else's user id answers exactly like a missing one, so ids cannot be probed. */
export function requireOwnUser(scope: Scope, userId: number): void {
  if (scope !== 'any' && scope.userId !== userId) throw new NotFoundError('user', userId);
}
