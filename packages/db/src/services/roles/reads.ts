// Roles, read in one statement each; the row is the view. A role's members are users: users/reads.ts
// (usersWithRole).
import type { EntityManager } from '../../driver/orm.ts';
import { kysely } from '../../driver/sql.ts';
import { foundOrFail } from '../not-found.ts';

export interface RoleView {
  id: number;
  name: string;
}

const selectRoles = (em: EntityManager) => kysely(em).selectFrom('roles').select(['id', 'name']);

export function listRoles(em: EntityManager): Promise<RoleView[]> {
  return selectRoles(em).orderBy('name', 'asc').execute();
}

export async function getRole(em: EntityManager, id: number): Promise<RoleView> {
  return foundOrFail(await selectRoles(em).where('id', '=', id).executeTakeFirst(), 'role', id);
}
