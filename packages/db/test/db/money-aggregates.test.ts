// Money stays exact in SQL aggregates on every dialect (SQLite stores NUMERIC as REAL): sums are rounded to
// two places in SQL, balances are rounded at every write, and a balance shown can always be withdrawn.
import { testDialect, totalBalance, useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { kysely, moneySum } from '../../src/driver/sql.ts';
import { deposit, openAccount, transferFunds, withdraw } from '../../src/services/accounts/writes.ts';
import { categoryStats } from '../../src/services/categories/reads.ts';
import { createCategory } from '../../src/services/categories/writes.ts';
import { createProducts } from '../../src/services/products/writes.ts';
import { createUser } from '../../src/services/users/writes.ts';

const { em } = useTestDatabase();

describe('money in SQL aggregates', () => {
  it('sums thirty 0.10 prices to exactly 3.00 in SQL, and reports exact per-category prices', async () => {
    const c = await createCategory(em(), 'Stickers');
    await createProducts(
      em(),
      Array.from({ length: 31 }, (_, i) => ({ name: `S${i}`, price: i === 30 ? '0.20' : '0.10', categoryId: c.id })),
    );
    const raw = await kysely(em())
      .selectFrom('products')
      .select((eb) => moneySum(eb.ref('price')).as('total'))
      .where('price', '=', '0.10' as never)
      .executeTakeFirstOrThrow();
    // Unrounded, SQLite answers 2.9999999999999996.
    expect(Number(raw.total) * 100).toBe(300);
    expect(await categoryStats(em())).toEqual([
      {
        categoryId: c.id,
        name: 'Stickers',
        productCount: 31,
        minPrice: '0.10',
        maxPrice: '0.20',
        averagePrice: '0.10', // 3.20 / 31 = 0.1032…
      },
    ]);
  });

  it('keeps balances exact through 600 small transfers: totals, and the whole shown balance can be withdrawn', async () => {
    const user = await createUser(em(), { username: 'ann', email: 'ann@example.com' });
    const accounts = await Promise.all(
      ['0.30', '0.30', '0.30'].map((opening) => openAccount(em(), user.id, opening, 'any').then((a) => a.id)),
    );
    for (let i = 0; i < 600; i++) {
      const from = accounts[i % 3] as number;
      const to = accounts[(i + 1) % 3] as number;
      await transferFunds(em(), { fromAccountId: from, toAccountId: to, amount: '0.10' }, 'any');
    }
    expect(await totalBalance(em())).toBe('0.90');
    // 0.3 − 0.1 − 0.1 − 0.1 in doubles is 5.5e-17, not 0: without rounding at each write the last withdrawal
    // of a shown balance is refused as insufficient, or leaves a balance that is never quite zero.
    const account = accounts[0] as number;
    await deposit(em(), account, { amount: '0.10', reason: 'test' }, 'any');
    for (const amount of ['0.10', '0.10', '0.10', '0.10'])
      await withdraw(em(), account, { amount: amount, reason: 'test' }, 'any');
    const rows = await kysely(em()).selectFrom('accounts').select(['id', 'balance']).execute();
    expect(rows.find((r) => r.id === account)?.balance).toBe(testDialect === 'sqlite' ? 0 : '0.00');
    expect(await totalBalance(em())).toBe('0.60');
  });
});
