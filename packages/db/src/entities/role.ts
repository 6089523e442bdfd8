import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idColumn, timestampColumns } from './columns.ts';
import { User } from './user.ts';

export const Role = defineEntity({
  name: 'Role',
  tableName: 'roles',
  properties: {
    ...idColumn,
    name: p.string().length(80).unique(),
    ...timestampColumns,
    users: () => p.manyToMany(User).mappedBy('roles'),
  },
});
export type IRole = InferEntity<typeof Role>;
