// Money on screen: every amount the API sends (a decimal string such as "1234.50") shown as "$1,234.50", by
// this one formatter. Intl formats the decimal string itself (exact decimal, no float on the way).
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** "1234.5" → "$1,234.50". */
export const formatMoney = (amount: string): string => usd.format(amount as Intl.StringNumericLiteral);

/** A ledger line seen from one account: "+$12.50" in, "−$12.50" out (a real minus sign). */
export const formatMovement = (amount: string, direction: 'in' | 'out'): string =>
  `${direction === 'in' ? '+' : '−'}${formatMoney(amount)}`;
