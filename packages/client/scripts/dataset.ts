// The deterministic sample shop the seed creates: the same --seed always yields the same data.
import {
  ALBUM_WORDS,
  AUTHORS,
  BOOK_WORDS,
  GAME_WORDS,
  GOODS,
  type Good,
  type GoodsCategory,
  PRICE_CENTS,
  PRICE_DOLLARS,
  RANGE_BLURBS,
  SKU_PREFIX,
} from './catalogue.ts';

/** mulberry32: a tiny seeded PRNG (deterministic across runs and machines). */
export function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    /** A decimal string in [min, max] with two places, built from integer cents. */
    money: (minCents: number, maxCents: number) => {
      const cents = minCents + Math.floor(next() * (maxCents - minCents + 1));
      return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    },
  };
}

export const ROLES = ['admin', 'customer'] as const;
export const CATEGORIES = ['Books', 'Games', 'Music', 'Garden', 'Kitchen', 'Toys', 'Sports', 'Office'] as const;
const FIRST = ['Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Radia', 'Guido'];
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Perlman'];
const HOBBIES = ['board games', 'gardening', 'baking', 'cycling', 'vinyl records', 'long novels', 'fountain pens'];

export interface SeedUser {
  username: string;
  email: string;
  roles: string[];
  profile: { firstName: string; lastName: string; bio: string };
}

export function seedUsers(count: number, seed: number): SeedUser[] {
  const rng = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const username = `user${String(i + 1).padStart(5, '0')}`;
    const firstName = rng.pick(FIRST);
    const lastName = rng.pick(LAST);
    return {
      username,
      email: `${username}@shop.example`,
      roles: i === 0 ? ['admin', 'customer'] : ['customer'],
      profile: { firstName, lastName, bio: `${firstName} ${lastName} likes ${rng.pick(HOBBIES)}.` },
    };
  });
}

type Rng = ReturnType<typeof random>;
type Details = { name: string; description: string; metadata: Record<string, string | number>; dollars: number };

const titleCase = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const author = (rng: Rng) => `${rng.pick(AUTHORS.first)} ${rng.pick(AUTHORS.last)}`;

/** Per category, a name, a description and metadata that fit it (a book has pages, a kettle a weight). */
const describe: Record<(typeof CATEGORIES)[number], (rng: Rng) => Details> = {
  Books: (rng) => {
    const name = `The ${rng.pick(BOOK_WORDS.adjectives)} ${rng.pick(BOOK_WORDS.nouns)}`;
    const metadata = { author: author(rng), format: rng.pick(BOOK_WORDS.formats), pages: rng.int(12, 64) * 10 };
    return {
      name,
      description: `A novel by ${metadata.author}, ${metadata.pages} pages in ${metadata.format.toLowerCase()}.`,
      metadata,
      dollars: rng.int(...PRICE_DOLLARS.Books),
    };
  },
  Music: (rng) => {
    const name = `${rng.pick(ALBUM_WORDS.adjectives)} ${rng.pick(ALBUM_WORDS.nouns)}`;
    const metadata = {
      artist: rng.pick(ALBUM_WORDS.bands),
      format: rng.pick(ALBUM_WORDS.formats),
      tracks: rng.int(8, 16),
    };
    const format = metadata.format === 'CD' ? 'CD' : metadata.format.toLowerCase();
    return {
      name,
      description: `An album by ${metadata.artist}: ${metadata.tracks} tracks on ${format}.`,
      metadata,
      dollars: rng.int(...PRICE_DOLLARS.Music),
    };
  },
  Games: (rng) => {
    const name = `${rng.pick(GAME_WORDS.themes)} ${rng.pick(GAME_WORDS.nouns)}`;
    const metadata = {
      type: rng.pick(GAME_WORDS.kinds),
      players: rng.pick(GAME_WORDS.players),
      playingTimeMinutes: rng.int(2, 12) * 10,
      ages: rng.pick(GAME_WORDS.ages),
    };
    return {
      name,
      description: `A ${metadata.type.toLowerCase()} for ${metadata.players} players, about ${metadata.playingTimeMinutes} minutes a game.`,
      metadata,
      dollars: rng.int(...PRICE_DOLLARS.Games),
    };
  },
  ...(Object.fromEntries(
    (Object.keys(GOODS) as GoodsCategory[]).map((category) => [
      category,
      (rng: Rng): Details => {
        const thing = rng.pick<Good>(GOODS[category]);
        const name = titleCase(`${rng.pick(thing.kinds)} ${thing.item}`);
        const colour = thing.colours.length > 0 ? rng.pick(thing.colours) : null;
        // Within a fifth of the thing's usual weight (in tens of grams), and 0.7 to 1.5 times its usual price.
        const weightGrams = Math.max(10, Math.round((thing.grams * (0.8 + 0.4 * rng.next())) / 10) * 10);
        const dollars = Math.max(1, Math.round(thing.dollars * (0.7 + 0.8 * rng.next())) - 1);
        return {
          name,
          description: `${name}${colour ? ` in ${colour.toLowerCase()}` : ''}, ${RANGE_BLURBS[category]}.`,
          metadata: { ...(colour ? { colour } : {}), weightGrams },
          dollars,
        };
      },
    ]),
  ) as Record<GoodsCategory, (rng: Rng) => Details>),
};

/**
 * The seed's product `index` (0-based): categories in turn, a name that fits the category and no number in
 * it; the metadata's `sku` ("KT-000042") is what tells two seed products apart (the seed finds its own by it).
 */
export function seedProduct(index: number, seed: number, categoryIds: number[]) {
  const rng = random(seed * 1_000_003 + index);
  const category = CATEGORIES[index % CATEGORIES.length] as (typeof CATEGORIES)[number];
  const { name, description, metadata, dollars } = describe[category](rng);
  const price = `${dollars}.${rng.pick(PRICE_CENTS)}`;
  // About one in seven sold out; the others 7 to 40 units (one draw, as the in-stock flag took before).
  const roll = rng.next();
  return {
    name,
    description,
    price,
    stock: roll > 0.15 ? Math.ceil(roll * 40) : 0,
    categoryId: categoryIds[index % categoryIds.length] as number,
    metadata: { sku: seedSku(index, category), ...metadata },
  };
}

export const seedSku = (index: number, category: string) =>
  `${SKU_PREFIX[category] ?? 'XX'}-${String(index + 1).padStart(6, '0')}`;
