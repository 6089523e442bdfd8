// Roles (M:N with users through user_roles): create, list, assign, revoke, members.

import type { EntityManager } from '../../driver/orm.ts';
import { kysely } from '../../driver/sql.ts';
import { Role, User } from '../../entities/index.ts';
import { unitOfWork } from '../unit-of-work.ts';
import { toUserView, type UserView } from '../users/writes.ts';

export { usersWithRole } from '../users/reads.ts';

export interface RoleView {
  id: number;
  name: string;
}

export function createRole(em: EntityManager, name: string): Promise<RoleView> {
  return unitOfWork(em, async (tx) => {
    const role = tx.create(Role, { name: name.trim() });
    await tx.flush();
    return { id: role.id, name: role.name };
  });
}

export function listRoles(em: EntityManager): Promise<RoleView[]> {
  return kysely(em).selectFrom('roles').select(['id', 'name']).orderBy('name', 'asc').execute();
}

async function changeMembership(em: EntityManager, userId: number, roleName: string, add: boolean): Promise<UserView> {
  return unitOfWork(em, async (tx) => {
    const user = await tx.findOneOrFail(User, { id: userId }, { populate: ['roles', 'profile'] });
    const role = await tx.findOneOrFail(Role, { name: roleName });
    // Idempotent both ways: assigning a held role or revoking a missing one changes nothing.
    if (add) user.roles.add(role);
    else user.roles.remove(role);
    await tx.flush();
    return toUserView(user);
  });
}

export const assignRole = (em: EntityManager, userId: number, roleName: string) =>
  changeMembership(em, userId, roleName, true);
export const revokeRole = (em: EntityManager, userId: number, roleName: string) =>
  changeMembership(em, userId, roleName, false);
