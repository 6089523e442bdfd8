// Columns every table shares (id, createdAt, updatedAt), defined once and spread into each entity.
import { p } from '@mikro-orm/core';

/**
 * Timestamps keep microseconds on every dialect: PostgreSQL's timestamptz default, and MariaDB's
 * datetime(6) (its plain datetime would round to whole seconds, so a row read back would differ from
 * the one just written).
 */
export const timestamp = () => p.datetime().length(6);

export const idColumn = { id: p.integer().primary() };

export const createdAtColumn = { createdAt: timestamp().onCreate(() => new Date()) };

export const timestampColumns = {
  ...createdAtColumn,
  updatedAt: timestamp()
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
};
