import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Category } from './category.ts';
import { idColumn, timestampColumns } from './columns.ts';

/** Free-form product attributes, stored as JSON. */
export type ProductMetadata = Record<string, unknown>;

export const Product = defineEntity({
  name: 'Product',
  tableName: 'products',
  properties: {
    ...idColumn,
    name: p.string().length(100),
    description: p.text().nullable(),
    // NUMERIC(10,2) hydrated as a decimal string: money never passes through a float.
    price: p.decimal().precision(10).scale(2),
    // Units that can still be sold; checkout takes from it, cancelling puts back.
    stock: p.integer().default(0),
    // The tutorial's flag, kept and never disagreeing with the count (the check below).
    inStock: p.boolean().default(false),
    // Required and ON DELETE RESTRICT: a category with products cannot vanish under them.
    category: () => p.manyToOne(Category).deleteRule('restrict'),
    metadata: p.json<ProductMetadata>().nullable(),
    ...timestampColumns,
  },
  // Listing orders by name, price or createdAt with an id tie-break, optionally within one category:
  // each (column, id) index serves both the ORDER BY and the keyset predicate of cursor pages.
  indexes: [
    { name: 'idx_products_category_price', properties: ['category', 'price', 'id'] },
    { name: 'idx_products_price', properties: ['price', 'id'] },
    { name: 'idx_products_name', properties: ['name', 'id'] },
    { name: 'idx_products_created_at', properties: ['createdAt', 'id'] },
  ],
  checks: [
    { name: 'products_price_check', expression: 'price >= 0' },
    { name: 'products_stock_check', expression: 'stock >= 0' },
    { name: 'products_in_stock_check', expression: 'in_stock = (stock > 0)' },
  ],
});
export type IProduct = InferEntity<typeof Product>;
