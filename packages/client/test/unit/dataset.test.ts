// The sample shop people see: product names that fit their category and carry no seed numbers, readable
// metadata, a key (the SKU) that tells seed products apart, and the same data for the same seed.
import { describe, expect, it } from 'vitest';
import { ALBUM_WORDS, BOOK_WORDS, GAME_WORDS, GOODS } from '../../scripts/catalogue.ts';
import { CATEGORIES, seedProduct } from '../../scripts/dataset.ts';

const categoryIds = CATEGORIES.map((_, i) => 100 + i);
const products = Array.from({ length: 4_000 }, (_, i) => seedProduct(i, 42, categoryIds));
const categoryOf = (p: (typeof products)[number]) => CATEGORIES[categoryIds.indexOf(p.categoryId)];

/** The words a name in each category is made of: a name from another category's words does not fit. */
const fits: Record<(typeof CATEGORIES)[number], (name: string) => boolean> = {
  Books: (name) => BOOK_WORDS.nouns.some((noun) => name.startsWith('The ') && name.endsWith(noun)),
  Music: (name) => ALBUM_WORDS.nouns.some((noun) => name.endsWith(` ${noun}`)),
  Games: (name) => GAME_WORDS.nouns.some((noun) => name.endsWith(` ${noun}`)),
  Garden: (name) => GOODS.Garden.some((g) => name.endsWith(` ${g.item}`)),
  Kitchen: (name) => GOODS.Kitchen.some((g) => name.endsWith(` ${g.item}`)),
  Toys: (name) => GOODS.Toys.some((g) => name.endsWith(` ${g.item}`)),
  Sports: (name) => GOODS.Sports.some((g) => name.endsWith(` ${g.item}`)),
  Office: (name) => GOODS.Office.some((g) => name.endsWith(` ${g.item}`)),
};

describe('the seed’s products', () => {
  it('have names that fit their category and carry no seed number', () => {
    for (const p of products) {
      const category = categoryOf(p);
      expect(category, p.name).toBeDefined();
      expect(fits[category as keyof typeof fits](p.name), `${p.name} in ${category}`).toBe(true);
      expect(p.name).not.toMatch(/seed-|\d{4,}/i); // a seed tray is fine, "seed-0000163" is not
    }
  });

  it('are told apart by the SKU in their metadata, never by their name', () => {
    const skus = new Set(products.map((p) => p.metadata.sku));
    expect(skus.size).toBe(products.length);
    expect(products[0]?.metadata.sku).toBe('BK-000001');
    expect(new Set(products.map((p) => p.name)).size).toBeLessThan(products.length);
  });

  it('have metadata keys that read as words and prices in the category’s range', () => {
    const keys = new Set(products.flatMap((p) => Object.keys(p.metadata)));
    expect([...keys].sort()).toEqual(
      [
        'ages',
        'artist',
        'author',
        'colour',
        'format',
        'pages',
        'players',
        'playingTimeMinutes',
        'sku',
        'tracks',
        'type',
        'weightGrams',
      ].sort(),
    );
    for (const p of products) {
      expect(p.price).toMatch(/^[1-9]\d*\.(99|95|50|49|00)$/);
      if (categoryOf(p) === 'Books') expect(Number(p.price)).toBeLessThan(40);
    }
  });

  it('are the same for the same seed and differ for another', () => {
    expect(seedProduct(17, 42, categoryIds)).toEqual(products[17]);
    expect(seedProduct(17, 43, categoryIds)).not.toEqual(products[17]);
  });
});
