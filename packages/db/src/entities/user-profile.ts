import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idColumn, timestampColumns } from './columns.ts';
import { User } from './user.ts';

export const UserProfile = defineEntity({
  name: 'UserProfile',
  tableName: 'user_profiles',
  properties: {
    ...idColumn,
    // Owning side: a unique FK, so one profile per user; the database deletes it with its user.
    user: () => p.oneToOne(User).inversedBy('profile').owner().unique().deleteRule('cascade'),
    firstName: p.string().length(50).nullable(),
    lastName: p.string().length(50).nullable(),
    bio: p.text().nullable(),
    ...timestampColumns,
  },
});
export type IUserProfile = InferEntity<typeof UserProfile>;
