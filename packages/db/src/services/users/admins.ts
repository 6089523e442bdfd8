// Who may lock whom out: no one removes their own admin access (deactivating, deleting or un-admin-ing
// themselves), and no change leaves the shop without an active admin. Checked inside the unit of work that
// makes the change, with the active admins' rows locked first, so two admins demoting each other at once
// cannot both succeed.
import { LockMode } from '@mikro-orm/core';
import { ConflictError, ForbiddenError } from '../../domain/errors.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { User } from '../../entities/index.ts';

/**
 * Who asks for a change to users: a signed-in admin (`{ userId }`), or an operator's script or a test
 * (`'operator'`), which has no account of its own to lose. Required, so it cannot be forgotten.
 */
export type Actor = { readonly userId: number } | 'operator';

/** What the change does to the target users' admin access. */
export type AdminLoss = 'deactivate' | 'delete' | 'remove the admin role of';

/**
 * Refuses a change that takes admin access from `targets`: FORBIDDEN when the actor is one of them, CONFLICT
 * when no active admin would remain. Call inside the unit of work, before the change.
 */
export async function keepAnActiveAdmin(
  tx: EntityManager,
  actor: Actor,
  targets: number[],
  loss: AdminLoss,
): Promise<void> {
  if (actor !== 'operator' && targets.includes(actor.userId)) {
    throw new ForbiddenError(`you cannot ${loss} yourself: ask another admin`);
  }
  // The active admins, locked by primary key in one order (SQLite's transaction holds the write lock).
  const admins = await tx.find(
    User,
    { isActive: true, roles: { name: 'admin' } },
    { fields: ['id'], orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  const remaining = admins.filter((admin) => !targets.includes(admin.id));
  if (admins.length > 0 && remaining.length === 0) {
    throw new ConflictError(`at least one active admin must remain: cannot ${loss} the last one`, 'isActive');
  }
}
