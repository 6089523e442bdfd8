// A user's profile, read in one statement and mapped by its one mapper (upsertProfile answers through it).
import { requireOwnUser, type Scope } from '../../domain/scope.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { kysely, rowDecoder } from '../../driver/sql.ts';
import { foundOrFail } from '../not-found.ts';
import type { UserView } from '../users/reads.ts';

export type ProfileView = NonNullable<UserView['profile']> & { userId: number; updatedAt: Date };

export async function getProfile(em: EntityManager, userId: number, scope: Scope): Promise<ProfileView> {
  requireOwnUser(scope, userId);
  const row = foundOrFail(
    await kysely(em)
      .selectFrom('user_profiles')
      .select(['user_id', 'first_name', 'last_name', 'bio', 'updated_at'])
      .where('user_id', '=', userId)
      .executeTakeFirst(),
    'user profile',
    userId,
  );
  return {
    userId: row.user_id,
    firstName: row.first_name ?? null,
    lastName: row.last_name ?? null,
    bio: row.bio ?? null,
    updatedAt: rowDecoder(em).date(row.updated_at),
  };
}
