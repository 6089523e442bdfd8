// The invariant the money tests check (transfers move money, never make or lose it): the exact sum of every
// balance, as one aggregate rounded in SQL; and every balance is the sum of its ledger. Test-only.

import { fromCents, toCents } from '../domain/money.ts';
import type { EntityManager } from '../driver/orm.ts';
import { kysely, moneySum, rowDecoder } from '../driver/sql.ts';

export async function totalBalance(em: EntityManager): Promise<string> {
  const row = await kysely(em)
    .selectFrom('accounts')
    .select((eb) => moneySum(eb.ref('balance')).as('total'))
    .executeTakeFirstOrThrow();
  return row.total === null ? '0.00' : rowDecoder(em).money(row.total);
}

/**
 * The money rule every ledger test checks: accounts whose balance is not the sum of their ledger rows
 * (money in minus money out), as `{ id, balance, ledger }`; empty when the rule holds.
 */
export async function ledgerMismatches(em: EntityManager): Promise<{ id: number; balance: string; ledger: string }[]> {
  const rows = await kysely(em)
    .selectFrom('accounts as a')
    .select((eb) => {
      const net = (side: 't.to_account_id' | 't.from_account_id') =>
        eb
          .selectFrom('transfers as t')
          .select((inner) => moneySum(inner.ref('t.amount')).as('sum'))
          .whereRef(side, '=', 'a.id')
          .$asScalar();
      return ['a.id', 'a.balance', net('t.to_account_id').as('money_in'), net('t.from_account_id').as('money_out')];
    })
    .orderBy('a.id')
    .execute();
  const decode = rowDecoder(em);
  const cents = (value: unknown) => toCents(decode.money((value ?? 0) as string));
  return rows
    .map((row) => ({ id: row.id, balance: cents(row.balance), ledger: cents(row.money_in) - cents(row.money_out) }))
    .filter((row) => row.balance !== row.ledger)
    .map((row) => ({ id: row.id, balance: fromCents(row.balance), ledger: fromCents(row.ledger) }));
}
