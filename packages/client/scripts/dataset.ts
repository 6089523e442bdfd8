// The deterministic sample shop the seed creates: the same --seed always yields the same data.

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
const ADJECTIVES = ['Classic', 'Compact', 'Deluxe', 'Eco', 'Handmade', 'Mini', 'Pro', 'Smart', 'Vintage', 'Wooden'];
const NOUNS = ['Lamp', 'Chair', 'Puzzle', 'Notebook', 'Kettle', 'Racket', 'Speaker', 'Planter', 'Board game', 'Novel'];

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
      profile: { firstName, lastName, bio: `${firstName} ${lastName} likes ${rng.pick(NOUNS).toLowerCase()}s.` },
    };
  });
}

/** Seed products carry "seed-NNNNNNN" in their name: the seed counts them to resume where it stopped. */
export const SEED_PRODUCT_MARK = 'seed-';

export function seedProduct(index: number, seed: number, categoryIds: number[]) {
  const rng = random(seed * 1_000_003 + index);
  const name = `${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)} ${SEED_PRODUCT_MARK}${String(index + 1).padStart(7, '0')}`;
  return {
    name,
    description: `A ${name.toLowerCase()} from the seed catalogue.`,
    price: rng.money(99, 49_999),
    inStock: rng.next() > 0.15,
    categoryId: categoryIds[index % categoryIds.length] as number,
    metadata: { color: rng.pick(['red', 'green', 'blue', 'black']), weightGrams: rng.int(50, 5000) },
  };
}
