import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idColumn, timestampColumns } from './columns.ts';
import { Product } from './product.ts';

export const Category = defineEntity({
  name: 'Category',
  tableName: 'categories',
  properties: {
    ...idColumn,
    name: p.string().length(80).unique(),
    ...timestampColumns,
    products: () => p.oneToMany(Product).mappedBy('category'),
  },
});
export type ICategory = InferEntity<typeof Category>;
