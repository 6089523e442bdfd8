import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Account } from './account.ts';
import { idColumn, timestamp, timestampColumns } from './columns.ts';
import { OrderLine } from './order-line.ts';
import { User } from './user.ts';

/** placed → shipped → delivered; placed or shipped → cancelled (refunded and restocked). */
export const orderStatuses = ['placed', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** A checkout: its lines at the prices of the moment, paid from one account. */
export const Order = defineEntity({
  name: 'Order',
  tableName: 'orders',
  properties: {
    ...idColumn,
    // RESTRICT: an order is a financial record; a buyer with orders is deactivated, not deleted.
    buyer: () => p.manyToOne(User).deleteRule('restrict'),
    account: () => p.manyToOne(Account).deleteRule('restrict').index('idx_orders_account'),
    status: p.enum(orderStatuses).default('placed'),
    total: p.decimal().precision(12).scale(2),
    // The checkout's key: the same key returns the same order instead of buying twice (unique per buyer).
    idempotencyKey: p.string().length(64),
    shippedAt: timestamp().nullable(),
    deliveredAt: timestamp().nullable(),
    cancelledAt: timestamp().nullable(),
    ...timestampColumns,
    lines: () => p.oneToMany(OrderLine).mappedBy('order'),
  },
  indexes: [
    // "My orders" newest first, and the admin's list by status newest first.
    { name: 'idx_orders_buyer', properties: ['buyer', 'id'] },
    { name: 'idx_orders_status', properties: ['status', 'id'] },
  ],
  // Keys are the buyer's own: another buyer's key never collides (nor says that it exists). The key leads
  // (driver errors name it).
  uniques: [{ name: 'orders_idempotency_key_unique', properties: ['idempotencyKey', 'buyer'] }],
  checks: [{ name: 'orders_total_check', expression: 'total >= 0' }],
});
export type IOrder = InferEntity<typeof Order>;
