import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Account } from './account.ts';
import { createdAtColumn, idColumn } from './columns.ts';
import { Order } from './order.ts';

/**
 * What moved money: between two accounts (`transfer`, `payment` for an order, `refund` of one), into one from
 * outside (`top_up` by an admin) or out of one (`withdrawal` by an admin).
 */
export const ledgerKinds = ['transfer', 'top_up', 'withdrawal', 'payment', 'refund'] as const;
export type LedgerKind = (typeof ledgerKinds)[number];

/** The ledger: one immutable row per balance change, so every balance is its opening plus its rows. */
export const Transfer = defineEntity({
  name: 'Transfer',
  tableName: 'transfers',
  properties: {
    ...idColumn,
    // RESTRICT: an account with ledger history cannot be deleted, so the ledger never loses a side.
    // Null on the outside side of a top-up (from) or a withdrawal (to).
    fromAccount: () => p.manyToOne(Account).deleteRule('restrict').nullable(),
    toAccount: () => p.manyToOne(Account).deleteRule('restrict').nullable(),
    amount: p.decimal().precision(12).scale(2),
    kind: p.enum(ledgerKinds).default('transfer'),
    // Why an admin moved money in or out (required for top-ups and withdrawals).
    reason: p.string().length(200).nullable(),
    order: () => p.manyToOne(Order).deleteRule('restrict').nullable().index('idx_transfers_order'),
    // A retried request with the same key is applied once: unique per debited account (see `uniques`).
    idempotencyKey: p.string().length(64).nullable(),
    ...createdAtColumn,
  },
  // An account's ledger is read newest first from either side; PostgreSQL does not index FKs by itself.
  indexes: [
    { name: 'idx_transfers_from', properties: ['fromAccount', 'createdAt'] },
    { name: 'idx_transfers_to', properties: ['toAccount', 'createdAt'] },
  ],
  // Keys are the caller's: one user's key never collides with another's (nobody else debits their accounts),
  // so nobody can block or probe someone else's next key. The key leads (driver errors name it); NULLs never
  // collide.
  uniques: [{ name: 'transfers_idempotency_key_unique', properties: ['idempotencyKey', 'fromAccount'] }],
  checks: [
    { name: 'transfers_amount_check', expression: 'amount > 0' },
    { name: 'transfers_distinct_accounts_check', expression: 'from_account_id <> to_account_id' },
    // Each kind has its sides: a top-up only a destination, a withdrawal only a source, the rest both.
    {
      name: 'transfers_sides_check',
      expression: "(from_account_id is null) = (kind = 'top_up') and (to_account_id is null) = (kind = 'withdrawal')",
    },
    // Payments and refunds belong to an order; nothing else does (no comma: SQLite's schema reader splits on it).
    { name: 'transfers_order_check', expression: "(order_id is not null) = (kind = 'payment' or kind = 'refund')" },
  ],
});
export type ITransfer = InferEntity<typeof Transfer>;
