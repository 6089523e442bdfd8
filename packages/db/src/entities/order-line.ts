import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idColumn } from './columns.ts';
import { Order } from './order.ts';
import { Product } from './product.ts';

/** One product of an order, with its name and unit price as they were at checkout. */
export const OrderLine = defineEntity({
  name: 'OrderLine',
  tableName: 'order_lines',
  properties: {
    ...idColumn,
    order: () => p.manyToOne(Order).deleteRule('cascade'),
    // SET NULL: a product deleted later leaves its orders readable through the snapshot below.
    product: () => p.manyToOne(Product).deleteRule('set null').nullable().index('idx_order_lines_product'),
    productName: p.string().length(100),
    unitPrice: p.decimal().precision(10).scale(2),
    quantity: p.integer(),
  },
  uniques: [{ name: 'order_lines_order_product_unique', properties: ['order', 'product'] }],
  checks: [
    { name: 'order_lines_quantity_check', expression: 'quantity > 0' },
    { name: 'order_lines_unit_price_check', expression: 'unit_price >= 0' },
  ],
});
export type IOrderLine = InferEntity<typeof OrderLine>;
