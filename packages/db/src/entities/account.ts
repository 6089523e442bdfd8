import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { idColumn, timestampColumns } from './columns.ts';
import { User } from './user.ts';

export const Account = defineEntity({
  name: 'Account',
  tableName: 'accounts',
  properties: {
    ...idColumn,
    owner: () => p.manyToOne(User).deleteRule('cascade').index('idx_accounts_owner'),
    balance: p.decimal().precision(12).scale(2).default('0.00'),
    ...timestampColumns,
  },
  // The last line of defence for the transfer logic: no write may leave a negative balance.
  checks: [{ name: 'accounts_balance_check', expression: 'balance >= 0' }],
});
export type IAccount = InferEntity<typeof Account>;
