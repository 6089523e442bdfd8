// Roles (M:N with users through user_roles): create, assign, revoke. Admin-only (the roles router): no scope.
import type { EntityManager } from '../../driver/orm.ts';
import { Role, User } from '../../entities/index.ts';
import { unitOfWork } from '../unit-of-work.ts';
import { type Actor, keepAnActiveAdmin } from '../users/admins.ts';
import { getUser, type UserView } from '../users/reads.ts';
import { getRole, type RoleView } from './reads.ts';

export function createRole(em: EntityManager, name: string): Promise<RoleView> {
  return unitOfWork(em, async (tx) => {
    const role = tx.create(Role, { name: name.trim() });
    await tx.flush();
    return getRole(tx, role.id);
  });
}

/** The role called `name`, created if there is none yet (the built-in "customer" and "admin"). */
export async function roleNamed(tx: EntityManager, name: string) {
  return (await tx.findOne(Role, { name })) ?? tx.create(Role, { name });
}

async function changeMembership(
  em: EntityManager,
  userId: number,
  roleName: string,
  add: boolean,
  actor: Actor,
): Promise<UserView> {
  return unitOfWork(em, async (tx) => {
    if (!add && roleName === 'admin') await keepAnActiveAdmin(tx, actor, [userId], 'remove the admin role of');
    const user = await tx.findOneOrFail(User, { id: userId }, { populate: ['roles'] });
    const role = await tx.findOneOrFail(Role, { name: roleName });
    // Idempotent both ways: assigning a held role or revoking a missing one changes nothing.
    if (add) user.roles.add(role);
    else user.roles.remove(role);
    await tx.flush();
    return getUser(tx, userId, 'any');
  });
}

export const assignRole = (em: EntityManager, userId: number, roleName: string) =>
  changeMembership(em, userId, roleName, true, 'operator');
/** Refused for one's own admin role (FORBIDDEN) and for the last active admin's (CONFLICT). */
export const revokeRole = (em: EntityManager, userId: number, roleName: string, actor: Actor) =>
  changeMembership(em, userId, roleName, false, actor);
