import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Account } from './account.ts';
import { idColumn, timestamp, timestampColumns } from './columns.ts';
import { Role } from './role.ts';
import { UserProfile } from './user-profile.ts';

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    ...idColumn,
    // The unique constraint is the username index; a second plain index would only cost writes.
    username: p.string().length(80).unique(),
    // Stored lower-case by the users service, so equality is case-insensitive on every dialect.
    email: p.string().length(120).unique(),
    passwordHash: p.string().length(255).nullable().hidden().lazy(),
    isActive: p.boolean().default(true),
    // Null until the user's first sign-in (and for rows older than the add_last_login_at migration).
    lastLoginAt: timestamp().nullable(),
    ...timestampColumns,
    profile: () => p.oneToOne(UserProfile).mappedBy('user').nullable(),
    roles: () => p.manyToMany(Role).pivotTable('user_roles').inversedBy('users'),
    accounts: () => p.oneToMany(Account).mappedBy('owner'),
  },
  indexes: [
    // Lookups by username or email use their unique indexes; createdAt is indexed for "newest users"
    // listings and date filters.
    { name: 'idx_users_created_at', properties: ['createdAt'] },
    // "Recently active users" listings; added with lastLoginAt by the second migration.
    { name: 'idx_users_last_login_at', properties: ['lastLoginAt'] },
  ],
});
export type IUser = InferEntity<typeof User>;
