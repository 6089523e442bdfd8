// User profiles (1:1 with users): upsert, read, delete.

import { requireOwnUser, type Scope } from '../../domain/scope.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { User, UserProfile } from '../../entities/index.ts';
import { foundOrFail } from '../not-found.ts';
import { unitOfWork } from '../unit-of-work.ts';
import type { UserView } from '../users/writes.ts';

export type ProfileView = NonNullable<UserView['profile']> & { userId: number; updatedAt: Date };
export interface ProfileInput {
  firstName?: string | null;
  lastName?: string | null;
  bio?: string | null;
}

const toProfileView = (profile: {
  user: { id: number };
  firstName?: string | null;
  lastName?: string | null;
  bio?: string | null;
  updatedAt: Date;
}): ProfileView => ({
  userId: profile.user.id,
  firstName: profile.firstName ?? null,
  lastName: profile.lastName ?? null,
  bio: profile.bio ?? null,
  updatedAt: profile.updatedAt,
});

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
    return toProfileView(profile);
  });
}

export async function getProfile(em: EntityManager, userId: number, scope: Scope): Promise<ProfileView> {
  requireOwnUser(scope, userId);
  const profile = await em.findOneOrFail(UserProfile, { user: userId });
  return toProfileView(profile);
}

export async function deleteProfile(em: EntityManager, userId: number, scope: Scope): Promise<void> {
  requireOwnUser(scope, userId);
  foundOrFail(await unitOfWork(em, (tx) => tx.nativeDelete(UserProfile, { user: userId })), 'user profile', userId);
}
