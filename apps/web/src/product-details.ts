// A product's metadata as a person reads it: "Weight 1.2 kg", not "weightGrams 1200". Keys the shop knows
// get a label and a unit; any other key is turned into words ("batteryLife" → "Battery life").

type Value = unknown;

const grams = (value: Value) => {
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  return n >= 1000 ? `${(n / 1000).toLocaleString('en-US', { maximumFractionDigits: 2 })} kg` : `${n} g`;
};
const minutes = (value: Value) => `${value} minutes`;

const KNOWN: Record<string, { label: string; show?: (value: Value) => string }> = {
  author: { label: 'Author' },
  artist: { label: 'Artist' },
  format: { label: 'Format' },
  pages: { label: 'Pages' },
  tracks: { label: 'Tracks' },
  type: { label: 'Type' },
  players: { label: 'Players' },
  playingTimeMinutes: { label: 'Playing time', show: minutes },
  ages: { label: 'Ages' },
  colour: { label: 'Colour' },
  color: { label: 'Colour' },
  weightGrams: { label: 'Weight', show: grams },
  sku: { label: 'SKU' },
};

/** "batteryLife", "battery_life" → "Battery life". */
export const keyToWords = (key: string) => {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const showValue = (value: Value): string => {
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return value.toLocaleString('en-US');
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(showValue).join(', ');
  return JSON.stringify(value);
};

/**
 * The metadata as labelled rows in one order whatever the database did to the keys (PostgreSQL's jsonb sorts
 * them by length): the known facts in the order above, then any others by name; the SKU, a reference number,
 * last.
 */
export function productDetails(metadata: Record<string, Value> | null | undefined): { label: string; value: string }[] {
  const order = Object.keys(KNOWN);
  const rank = (key: string) => (key === 'sku' ? order.length + 1 : KNOWN[key] ? order.indexOf(key) : order.length);
  return Object.entries(metadata ?? {})
    .filter(([, value]) => value !== null && value !== '')
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([key, value]) => {
      const known = KNOWN[key];
      return { label: known?.label ?? keyToWords(key), value: (known?.show ?? showValue)(value) };
    });
}
