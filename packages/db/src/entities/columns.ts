// Columns every table shares (the tutorial's BaseModel), defined once and spread into each entity.
import { p } from '@mikro-orm/core';

export const idColumn = { id: p.integer().primary() };

export const createdAtColumn = { createdAt: p.datetime().onCreate(() => new Date()) };

export const timestampColumns = {
  ...createdAtColumn,
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
};
