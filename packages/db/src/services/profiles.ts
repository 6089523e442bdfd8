// User profiles (1:1 with users): upsert, read, delete.
import { User, UserProfile } from '../entities/index.ts';
import { NotFoundError, translateErrors } from '../errors.ts';
import type { EntityManager } from '../orm.ts';
import type { UserView } from './users.ts';

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
export function upsertProfile(em: EntityManager, userId: number, input: ProfileInput): Promise<ProfileView> {
  return translateErrors(() =>
    em.transactional(async (tx) => {
      const user = await tx.findOne(User, { id: userId }, { populate: ['profile'] });
      if (!user) throw new NotFoundError('user', userId);
      const profile = user.profile ?? tx.create(UserProfile, { user });
      if (input.firstName !== undefined) profile.firstName = input.firstName;
      if (input.lastName !== undefined) profile.lastName = input.lastName;
      if (input.bio !== undefined) profile.bio = input.bio;
      await tx.flush();
      return toProfileView(profile);
    }),
  );
}

export async function getProfile(em: EntityManager, userId: number): Promise<ProfileView> {
  const profile = await em.findOne(UserProfile, { user: userId });
  if (!profile) throw new NotFoundError('profile of user', userId);
  return toProfileView(profile);
}

export async function deleteProfile(em: EntityManager, userId: number): Promise<void> {
  const deleted = await em.transactional((tx) => tx.nativeDelete(UserProfile, { user: userId }));
  if (deleted === 0) throw new NotFoundError('profile of user', userId);
}
