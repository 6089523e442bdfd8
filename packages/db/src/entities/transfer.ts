import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Account } from './account.ts';
import { createdAtColumn, idColumn } from './columns.ts';

/** The ledger: one immutable row per successful transfer. */
export const Transfer = defineEntity({
  name: 'Transfer',
  tableName: 'transfers',
  properties: {
    ...idColumn,
    // RESTRICT: an account with ledger history cannot be deleted, so the ledger never loses a side.
    fromAccount: () => p.manyToOne(Account).deleteRule('restrict'),
    toAccount: () => p.manyToOne(Account).deleteRule('restrict'),
    amount: p.decimal().precision(12).scale(2),
    // A retried request with the same key is applied once (unique; NULLs do not collide).
    idempotencyKey: p.string().length(64).nullable().unique(),
    ...createdAtColumn,
  },
  // An account's ledger is read newest first from either side; PostgreSQL does not index FKs by itself.
  indexes: [
    { name: 'idx_transfers_from', properties: ['fromAccount', 'createdAt'] },
    { name: 'idx_transfers_to', properties: ['toAccount', 'createdAt'] },
  ],
  checks: [
    { name: 'transfers_amount_check', expression: 'amount > 0' },
    { name: 'transfers_distinct_accounts_check', expression: 'from_account_id <> to_account_id' },
  ],
});
export type ITransfer = InferEntity<typeof Transfer>;
