// Money is a decimal string with two places ("12.50") end to end; never a JS float. This module owns its
// one textual form (what inputs may look like), its formatting, and exact arithmetic in cents.
import { InvalidError } from './errors.ts';

/** A NUMERIC(precision, scale) column holding money (see `moneyColumns` in limits.ts). */
export interface MoneyColumn {
  precision: number;
  scale: number;
}

/**
 * The only accepted form: ASCII digits, at most precision − scale of them before an optional point and at
 * most `scale` after it. No whitespace, sign (unless `signed`), exponent, grouping or other digit scripts.
 */
export function moneyPattern(column: MoneyColumn, { signed = false } = {}): RegExp {
  return new RegExp(`^${signed ? '-?' : ''}[0-9]{1,${column.precision - column.scale}}(\\.[0-9]{1,${column.scale}})?$`);
}

/** What a person reads when `moneyPattern` refuses an input. */
export const moneyFormHint = (column: MoneyColumn) =>
  `a decimal string with at most ${column.precision - column.scale} digits before the point and ${column.scale} after, e.g. "12.50"`;

/** Validates an input against the column (never rounding it: money is stored as written) and formats it. */
export function parseMoney(text: string, column: MoneyColumn, field: string, { signed = false } = {}): string {
  if (typeof text !== 'string' || !moneyPattern(column, { signed }).test(text)) {
    throw new InvalidError(`${field} "${String(text)}" must be ${moneyFormHint(column)}`, field);
  }
  return formatMoney(text);
}

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

/** The inverse of toCents. */
export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const text = (cents < 0n ? -cents : cents).toString().padStart(3, '0');
  return `${sign}${text.slice(0, -2)}.${text.slice(-2)}`;
}

/** The mean of non-negative amounts from their exact total, rounded half up to a cent. */
export function averageMoney(total: string, count: number): string {
  if (count <= 0) throw new RangeError('no amounts to average');
  const n = BigInt(count);
  return fromCents((toCents(total) * 2n + n) / (2n * n));
}

/** The largest value the column holds, in cents (NUMERIC(12,2): 9999999999.99). */
export const maxCents = (column: MoneyColumn): bigint => 10n ** BigInt(column.precision) - 1n;
