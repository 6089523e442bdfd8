// Object-level access in one shape: services that touch a user's rows take the caller's `owner` and apply
// it where they read or change the rows (in the same statement where there is one).
import { NotFoundError } from './errors.ts';

/** The user whose rows the caller may touch; undefined: anyone's (an admin, a script). */
export type Owner = number | undefined;

/** Someone else's user id answers exactly like a missing one, so ids cannot be probed. */
export function requireOwnUser(owner: Owner, userId: number): void {
  if (owner !== undefined && owner !== userId) throw new NotFoundError('user', userId);
}
