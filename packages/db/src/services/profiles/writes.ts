// User profiles (1:1 with users): upsert and delete, within the caller's scope.
import { requireOwnUser, type Scope } from '../../domain/scope.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { User, UserProfile } from '../../entities/index.ts';
import { deleteOrNotFound, unitOfWork } from '../unit-of-work.ts';
import { getProfile, type ProfileView } from './reads.ts';

export interface ProfileInput {
  firstName?: string | null;
  lastName?: string | null;
  bio?: string | null;
}

/** Creates the user's profile or updates the given fields of the existing one. */
export async function upsertProfile(
  em: EntityManager,
  userId: number,
  input: ProfileInput,
  scope: Scope,
): Promise<ProfileView> {
  requireOwnUser(scope, userId);
  return unitOfWork(em, async (tx) => {
    const user = await tx.findOneOrFail(User, { id: userId }, { populate: ['profile'] });
    const profile = user.profile ?? tx.create(UserProfile, { user });
    if (input.firstName !== undefined) profile.firstName = input.firstName;
    if (input.lastName !== undefined) profile.lastName = input.lastName;
    if (input.bio !== undefined) profile.bio = input.bio;
    await tx.flush();
    return getProfile(tx, userId, scope);
  });
}

export async function deleteProfile(em: EntityManager, userId: number, scope: Scope): Promise<void> {
  requireOwnUser(scope, userId);
  await deleteOrNotFound(em, UserProfile, { user: userId }, 'user profile', userId);
}
