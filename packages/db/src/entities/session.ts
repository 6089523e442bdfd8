import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAtColumn, idColumn, timestamp } from './columns.ts';
import { User } from './user.ts';

/** A sign-in: only the SHA-256 of the bearer token is stored, so a database leak yields no usable token. */
export const Session = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    ...idColumn,
    user: () => p.manyToOne(User).deleteRule('cascade').index('idx_sessions_user'),
    tokenHash: p.string().length(64).unique(),
    expiresAt: timestamp(),
    revokedAt: timestamp().nullable(),
    ...createdAtColumn,
  },
});
export type ISession = InferEntity<typeof Session>;
