// One form of money: the API's zod schemas accept exactly what @shop/db's parser accepts, per column.
import { type MoneyColumn, moneyColumns, parseMoney } from '@shop/db';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { openingBalance, price } from '../../src/trpc/schemas.ts';

const serviceAccepts = (text: string, column: MoneyColumn) => {
  try {
    parseMoney(text, column, 'amount');
    return true;
  } catch {
    return false;
  }
};

const moneyLike = fc.oneof(
  fc.stringMatching(/^-?[0-9]{0,13}(\.[0-9]{0,3})?$/),
  fc.constantFrom(' 1', '1 ', '+1', '1e3', '0x10', '١٢', '１２', '1,000.00', '1.', '.5', '', '\u00001', '1_000'),
  fc.string({ maxLength: 16 }),
);

describe.each([
  ['price', price, moneyColumns.price],
  ['opening balance', openingBalance, moneyColumns.balance],
] as [string, z.ZodType, MoneyColumn][])('%s', (_, schema, column) => {
  it('is accepted by the API exactly when the service accepts it', () => {
    fc.assert(
      fc.property(moneyLike, (text) => {
        expect(schema.safeParse(text).success).toBe(serviceAccepts(text, column));
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('takes digits up to the column and no further', () => {
    const whole = column.precision - column.scale;
    expect(schema.safeParse(`${'9'.repeat(whole)}.99`).success).toBe(true);
    expect(schema.safeParse(`${'9'.repeat(whole + 1)}.99`).success).toBe(false);
    expect(schema.safeParse('1.999').success).toBe(false);
  });
});
