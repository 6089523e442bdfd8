// Money is a decimal string with two places ("12.50") end to end; never a JS float.

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * Normalizes what a driver returns for a NUMERIC column ("12.5", 12.5 from SQLite's REAL storage, "12.50")
 * to a two-place decimal string, using string operations only.
 */
export function formatMoney(value: string | number): string {
  const text = typeof value === 'number' ? value.toFixed(2) : value;
  if (!DECIMAL.test(text)) throw new TypeError(`not a decimal: ${text}`);
  const [whole, fraction = ''] = text.split('.');
  return `${whole}.${fraction.padEnd(2, '0').slice(0, 2)}`;
}

/** Compares two decimal strings exactly (scaled to integer cents as bigint). */
export function toCents(value: string): bigint {
  const [whole = '0', fraction = ''] = formatMoney(value).split('.');
  const sign = whole.startsWith('-') ? -1n : 1n;
  return sign * (BigInt(whole.replace('-', '')) * 100n + BigInt(fraction));
}
