import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idColumn, timestampColumns } from './columns.ts';
import { User } from './user.ts';

export const Account = defineEntity({
  name: 'Account',
  tableName: 'accounts',
  properties: {
    ...idColumn,
    // Null only for the shop's own accounts (systemKey set): the revenue account that payments go to.
    owner: () => p.manyToOne(User).deleteRule('cascade').index('idx_accounts_owner').nullable(),
    systemKey: p.string().length(20).nullable().unique(),
    // Changed only together with a ledger row: balance == the sum of the account's ledger, always.
    balance: p.decimal().precision(12).scale(2).default('0.00'),
    ...timestampColumns,
  },
  // The last line of defence for the transfer logic: no write may leave a negative balance.
  checks: [
    { name: 'accounts_balance_check', expression: 'balance >= 0' },
    // A customer's account has an owner; the shop's own accounts have a system key instead.
    { name: 'accounts_owner_check', expression: '(owner_id is null) <> (system_key is null)' },
  ],
});
export type IAccount = InferEntity<typeof Account>;
