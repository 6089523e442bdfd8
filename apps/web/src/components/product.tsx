// A product's picture and stock state. Until products have photos the picture is an inline SVG per category
// (its colour and a simple motif: books on a shelf, a die, a record…): no image host, no network.
import type { ReactNode } from 'react';

interface Look {
  background: string;
  ink: string;
  motif: ReactNode;
}

const LOOKS: Record<string, (ink: string) => ReactNode> = {
  books: (ink) => (
    <g fill={ink}>
      <rect x="52" y="34" width="14" height="52" rx="2" />
      <rect x="69" y="26" width="16" height="60" rx="2" opacity="0.8" />
      <rect x="88" y="38" width="12" height="48" rx="2" opacity="0.6" />
      <rect x="101" y="30" width="10" height="56" rx="2" transform="rotate(8 106 58)" />
      <rect x="44" y="86" width="76" height="4" rx="2" />
    </g>
  ),
  games: (ink) => (
    <g>
      <rect x="56" y="32" width="48" height="48" rx="9" fill={ink} />
      {[
        [68, 44],
        [92, 44],
        [80, 56],
        [68, 68],
        [92, 68],
      ].map(([cx, cy]) => (
        <circle key={`${cx}-${cy}`} cx={cx} cy={cy} r="4.5" fill="#fff" />
      ))}
    </g>
  ),
  music: (ink) => (
    <g>
      <circle cx="80" cy="58" r="30" fill={ink} />
      <circle cx="80" cy="58" r="21" fill="none" stroke="#fff" strokeOpacity="0.25" />
      <circle cx="80" cy="58" r="9" fill="#fff" fillOpacity="0.85" />
      <circle cx="80" cy="58" r="2.5" fill={ink} />
    </g>
  ),
  garden: (ink) => (
    <g fill={ink}>
      <path d="M62 72h36l-5 20H67z" />
      <path d="M80 72V50" stroke={ink} strokeWidth="3" />
      <ellipse cx="70" cy="46" rx="12" ry="6" transform="rotate(-30 70 46)" opacity="0.8" />
      <ellipse cx="90" cy="40" rx="13" ry="6" transform="rotate(28 90 40)" />
    </g>
  ),
  kitchen: (ink) => (
    <g fill={ink}>
      <path d="M56 50h44v22a14 14 0 0 1-14 14H70a14 14 0 0 1-14-14z" />
      <path d="M100 56h6a8 8 0 0 1 0 16h-6" fill="none" stroke={ink} strokeWidth="4" />
      <path
        d="M68 42c-4-6 4-8 0-14M80 42c-4-6 4-8 0-14M92 42c-4-6 4-8 0-14"
        stroke={ink}
        strokeWidth="2.5"
        fill="none"
        opacity="0.6"
      />
    </g>
  ),
  toys: (ink) => (
    <g fill={ink}>
      <circle cx="66" cy="66" r="18" />
      <path d="M50 62a18 18 0 0 1 32 0" fill="#fff" opacity="0.35" />
      <rect x="86" y="52" width="28" height="32" rx="3" opacity="0.75" />
      <rect x="92" y="30" width="18" height="20" rx="3" opacity="0.5" />
    </g>
  ),
  sports: (ink) => (
    <g fill="none" stroke={ink} strokeWidth="3.5">
      <circle cx="80" cy="58" r="28" fill={ink} fillOpacity="0.15" />
      <path d="M52 58h56M80 30v56" />
      <path d="M60 38c10 12 10 28 0 40M100 38c-10 12-10 28 0 40" />
    </g>
  ),
  office: (ink) => (
    <g>
      <rect x="50" y="30" width="44" height="56" rx="3" fill="#fff" stroke={ink} strokeWidth="2.5" />
      <path d="M58 44h28M58 54h28M58 64h18" stroke={ink} strokeWidth="2.5" opacity="0.5" />
      <g transform="rotate(35 100 58)">
        <rect x="95" y="28" width="10" height="44" fill={ink} />
        <path d="M95 72h10l-5 10z" fill={ink} opacity="0.7" />
      </g>
    </g>
  ),
};

/** Soft background and a darker ink per category; any other category gets a hue from its name. */
const COLOURS: Record<string, [string, string]> = {
  books: ['#f1e7d8', '#8a5a2b'],
  games: ['#e3ebfa', '#2456c7'],
  music: ['#eee3f6', '#6b3fa0'],
  garden: ['#e1f1e4', '#2e7d4f'],
  kitchen: ['#fae6de', '#b84a25'],
  toys: ['#fdf0d2', '#b07800'],
  sports: ['#ddf1f2', '#1b7279'],
  office: ['#e9ecf1', '#47546a'],
};

const hueOf = (name: string) => [...name].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) % 360, 7);

const parcel = (ink: string) => (
  <g fill={ink}>
    <path d="M80 28l30 14v32L80 88 50 74V42z" opacity="0.85" />
    <path d="M80 56l30-14M80 56L50 42M80 56v32" stroke="#fff" strokeOpacity="0.5" strokeWidth="2.5" fill="none" />
  </g>
);

export function lookOf(categoryName: string): Look & { key: string } {
  const key = categoryName.trim().toLowerCase();
  const hue = hueOf(key);
  const [background, ink] = COLOURS[key] ?? [`hsl(${hue} 45% 92%)`, `hsl(${hue} 45% 32%)`];
  const draw = LOOKS[key] ?? parcel;
  return { background, ink, motif: draw(ink), key: LOOKS[key] ? key : 'other' };
}

/**
 * Decorative on a card (the product's name is the link beside it); on the product page `label` names it.
 */
export function ProductImage({ category, label }: { category: string; label?: string }) {
  const look = lookOf(category);
  const drawing = (
    <>
      <rect width="160" height="116" fill={look.background} />
      {look.motif}
    </>
  );
  return label ? (
    <svg className="product-image" viewBox="0 0 160 116" data-motif={look.key} role="img" aria-label={label}>
      {drawing}
    </svg>
  ) : (
    <svg className="product-image" viewBox="0 0 160 116" data-motif={look.key} aria-hidden="true">
      {drawing}
    </svg>
  );
}

/** "In stock", "Only 3 left" (a few), or "Out of stock". */
export function Stock({ stock }: { stock: number }) {
  const text = stock === 0 ? 'Out of stock' : stock <= 5 ? `Only ${stock} left` : 'In stock';
  return <span className={stock > 0 ? 'stock in' : 'stock out'}>{text}</span>;
}
