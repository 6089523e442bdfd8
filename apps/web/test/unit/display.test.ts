// What the pages print for the API's values: money with grouping from the decimal string, and product
// metadata as labelled details in one order whatever order the database kept the keys in.
import { describe, expect, it } from 'vitest';
import { formatMoney, formatMovement } from '../../src/money.ts';
import { keyToWords, productDetails } from '../../src/product-details.ts';

describe('money on screen', () => {
  it('groups thousands and keeps two places, from the decimal string', () => {
    expect(formatMoney('1234.5')).toBe('$1,234.50');
    expect(formatMoney('0')).toBe('$0.00');
    expect(formatMoney('9999999999.99')).toBe('$9,999,999,999.99'); // NUMERIC(12,2)'s largest
    expect(formatMovement('12.50', 'out')).toBe('−$12.50');
    expect(formatMovement('1000.00', 'in')).toBe('+$1,000.00');
  });
});

describe('product details', () => {
  it('labels known keys in words with units, in a fixed order, the SKU last', () => {
    // PostgreSQL's jsonb hands the keys back sorted by length: the rows must not follow that order.
    const fromJsonb = { sku: 'KT-000005', colour: 'Slate grey', weightGrams: 990 };
    expect(productDetails(fromJsonb)).toEqual([
      { label: 'Colour', value: 'Slate grey' },
      { label: 'Weight', value: '990 g' },
      { label: 'SKU', value: 'KT-000005' },
    ]);
    expect(productDetails({ playingTimeMinutes: 45, weightGrams: 1580 })).toEqual([
      { label: 'Playing time', value: '45 minutes' },
      { label: 'Weight', value: '1.58 kg' },
    ]);
  });

  it('turns unknown keys into words and shows any value readably', () => {
    expect(keyToWords('batteryLifeHours')).toBe('Battery life hours');
    expect(keyToWords('country_of_origin')).toBe('Country of origin');
    expect(productDetails({ waterproof: true, sizes: ['S', 'M'], empty: null })).toEqual([
      { label: 'Sizes', value: 'S, M' },
      { label: 'Waterproof', value: 'Yes' },
    ]);
    expect(productDetails(null)).toEqual([]);
  });
});
