import { describe, expect, it } from 'vitest';
import { formatMoney, toCents } from '../../src/domain/money.ts';
import { escapeLike } from '../../src/driver/text-search.ts';

describe('money', () => {
  it.each([
    ['12.5', '12.50'],
    [12.5, '12.50'],
    ['7', '7.00'],
    [0.30000000000000004, '0.30'],
    ['9999999999.99', '9999999999.99'],
  ])('formats %j as %s', (input, expected) => {
    expect(formatMoney(input)).toBe(expected);
  });
  it('compares exactly in cents', () => {
    expect(toCents('0.10') + toCents('0.20')).toBe(toCents('0.30'));
    expect(toCents('-1.05')).toBe(-105n);
  });
  it('rejects non-decimals', () => {
    expect(() => formatMoney('1e3')).toThrow(TypeError);
  });
});

it('escapes LIKE wildcards', () => {
  expect(escapeLike('50%_off!\\')).toBe('50!%!_off!!\\');
});
