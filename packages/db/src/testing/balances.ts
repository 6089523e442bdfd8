// The invariant the money tests check (transfers move money, never make or lose it): the exact sum of every
// balance, as one aggregate rounded in SQL. Test-only: no procedure answers with it.
import type { EntityManager } from '../driver/orm.ts';
import { kysely, moneySum, rowDecoder } from '../driver/sql.ts';

export async function totalBalance(em: EntityManager): Promise<string> {
  const row = await kysely(em)
    .selectFrom('accounts')
    .select((eb) => moneySum(eb.ref('balance')).as('total'))
    .executeTakeFirstOrThrow();
  return row.total === null ? '0.00' : rowDecoder(em).money(row.total);
}
