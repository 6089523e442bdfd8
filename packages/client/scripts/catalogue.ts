// What the sample shop sells, per category: words that make product names a person believes ("Walnut
// cutting board" in Kitchen, "The Quiet Lighthouse" in Books), with prices and weights that fit the thing.

/**
 * A thing sold in a goods category: the words that may stand before it, about what it weighs and costs
 * (whole dollars), and the colours it comes in (none where the material is its colour).
 */
export interface Good {
  item: string;
  kinds: readonly string[];
  grams: number;
  dollars: number;
  colours: readonly string[];
}

const COLOURED = ['Black', 'White', 'Slate grey', 'Forest green', 'Navy', 'Terracotta', 'Mustard'];
const good = (item: string, kinds: string[], grams: number, dollars: number, colours: string[] = COLOURED): Good => ({
  item,
  kinds,
  grams,
  dollars,
  colours,
});

export const GOODS = {
  Garden: [
    good('planter', ['Terracotta', 'Glazed ceramic', 'Hanging', 'Recycled plastic'], 1_800, 24, []),
    good('watering can', ['Galvanised', 'Copper', 'Indoor', 'Five-litre'], 900, 28),
    good('trowel', ['Stainless steel', 'Ash-handled', 'Narrow'], 250, 14, []),
    good('pruning shears', ['Bypass', 'Anvil', 'Compact'], 230, 26, []),
    good('bird feeder', ['Cedar', 'Squirrel-proof', 'Window'], 600, 22, []),
    good('garden gloves', ['Leather', 'Thorn-proof', 'Bamboo-fibre'], 120, 12),
    good('seed tray', ['Biodegradable', 'Self-watering', '24-cell'], 300, 8, []),
    good('compost bin', ['Rotating', 'Kitchen', '300-litre'], 6_000, 85, ['Black', 'Forest green']),
    good('garden hose', ['15 m', '30 m expandable', 'Soaker'], 2_200, 35, ['Forest green', 'Black']),
  ],
  Kitchen: [
    good('cutting board', ['Walnut', 'Bamboo', 'Oak end-grain'], 1_400, 39, []),
    good('skillet', ['Cast-iron', 'Carbon steel', 'Non-stick'], 2_100, 45, []),
    good('kettle', ['Gooseneck', 'Stainless steel', 'Glass'], 1_100, 59),
    good('chef’s knife', ['Japanese', 'Forged', 'Ceramic'], 220, 79, []),
    good('French press', ['Glass', 'Insulated steel'], 700, 32),
    good('saucepan', ['Copper', 'Enamelled', 'Stainless steel'], 1_300, 49, []),
    good('mixing bowls', ['Nesting', 'Stoneware', 'Stainless steel'], 1_500, 29),
    good('pepper mill', ['Oak', 'Ceramic', 'Electric'], 350, 24, []),
    good('teapot', ['Cast-iron', 'Porcelain', 'Glass'], 900, 36),
  ],
  Toys: [
    good('building blocks', ['Wooden', 'Magnetic', 'Rainbow'], 1_200, 34, []),
    good('jigsaw puzzle', ['500-piece', 'Animal', 'Floor'], 600, 18, []),
    good('teddy bear', ['Classic', 'Organic cotton', 'Mini'], 300, 22, ['Honey', 'Cream', 'Chocolate']),
    good('kite', ['Stunt', 'Delta', 'Rainbow'], 250, 19, []),
    good('train set', ['Wooden', 'Battery-powered'], 2_000, 55, []),
    good('spinning top', ['Wooden', 'Metal', 'Light-up'], 80, 6, []),
    good('marble run', ['Wooden', '80-piece', 'Glow-in-the-dark'], 1_600, 42, []),
    good('rocking horse', ['Wooden', 'Plush'], 7_500, 149, []),
    good('puppet theatre', ['Folding', 'Tabletop'], 2_400, 64, []),
  ],
  Sports: [
    good('tennis racket', ['Graphite', 'Junior', 'Aluminium'], 300, 89, []),
    good('football', ['Match', 'Training', 'Size 4'], 430, 25, []),
    good('yoga mat', ['Cork', 'Non-slip', 'Travel'], 1_800, 35),
    good('dumbbells', ['Adjustable', 'Neoprene', 'Hex'], 5_000, 69, []),
    good('water bottle', ['Insulated', 'Collapsible', 'Glass'], 350, 19),
    good('skipping rope', ['Speed', 'Weighted', 'Leather'], 250, 12),
    good('cycling helmet', ['Road', 'Commuter', 'Children’s'], 320, 59),
    good('swimming goggles', ['Anti-fog', 'Mirrored', 'Children’s'], 60, 15),
    good('badminton set', ['Garden', 'Tournament'], 1_100, 39, []),
  ],
  Office: [
    good('notebook', ['Dotted A5', 'Lined A4', 'Leather-bound'], 350, 14),
    good('fountain pen', ['Steel-nib', 'Brass', 'Demonstrator'], 40, 45),
    good('desk lamp', ['LED', 'Brass', 'Clamp-on'], 1_500, 69),
    good('stapler', ['Heavy-duty', 'Mini', 'Long-reach'], 400, 16),
    good('desk organiser', ['Bamboo', 'Mesh', 'Walnut'], 900, 27, []),
    good('letter tray', ['Stackable', 'Oak', 'Steel'], 700, 22, []),
    good('mechanical pencil', ['0.5 mm', 'Drafting', 'Brass'], 20, 9),
    good('monitor stand', ['Oak', 'Aluminium'], 2_500, 79, []),
    good('sticky notes', ['Pastel', 'Neon', 'Recycled'], 150, 5, []),
  ],
} as const satisfies Record<string, readonly Good[]>;

export type GoodsCategory = keyof typeof GOODS;

/** Titles for books, albums and games: "The Quiet Lighthouse", "Midnight Echoes", "Harbour Traders". */
export const BOOK_WORDS = {
  adjectives: ['Quiet', 'Hidden', 'Last', 'Winter', 'Paper', 'Northern', 'Golden', 'Distant', 'Secret', 'Salt'],
  nouns: ['Lighthouse', 'Orchard', 'Harbour', 'Library', 'Kingdom', 'Island', 'Clockmaker', 'Archive', 'Tide', 'Map'],
  formats: ['Paperback', 'Hardcover'],
} as const;

export const ALBUM_WORDS = {
  adjectives: ['Midnight', 'Electric', 'Velvet', 'Neon', 'Paper', 'Golden', 'Slow', 'Summer', 'Broken', 'Blue'],
  nouns: ['Echoes', 'Rivers', 'Satellites', 'Postcards', 'Horizons', 'Lanterns', 'Tides', 'Signals', 'Gardens'],
  bands: ['The Lanterns', 'Northern Lights', 'Velvet Static', 'Juniper', 'The Paper Boats', 'Sol & Shade', 'Arcadia'],
  formats: ['Vinyl', 'CD', 'Double vinyl'],
} as const;

export const GAME_WORDS = {
  themes: ['Harbour', 'Castle', 'Galaxy', 'Jungle', 'Railway', 'Dragon', 'Pirate', 'Orchard', 'Desert', 'Arctic'],
  nouns: ['Traders', 'Quest', 'Explorers', 'Builders', 'Tactics', 'Rush', 'Legends', 'Empire', 'Heist'],
  kinds: ['Board game', 'Card game', 'Dice game', 'Cooperative board game'],
  players: ['1–4', '2–4', '2–5', '2–6', '3–8'],
  ages: ['6+', '8+', '10+', '12+', '14+'],
} as const;

export const AUTHORS = {
  first: ['Ada', 'Grace', 'Margaret', 'Barbara', 'Radia', 'Alan', 'Linus', 'Ken', 'Dennis', 'Guido'],
  last: ['Lovelace', 'Hopper', 'Hamilton', 'Liskov', 'Perlman', 'Turing', 'Thompson', 'Ritchie', 'Okafor'],
} as const;

/** Whole-dollar price ranges of books, albums and games, and the endings shops put on prices. */
export const PRICE_DOLLARS = { Books: [6, 38], Music: [12, 45], Games: [15, 89] } as const;
export const PRICE_CENTS = ['99', '95', '50', '49', '00'] as const;

/** How the shop describes each goods range, after the product's name. */
export const RANGE_BLURBS: Record<GoodsCategory, string> = {
  Garden: 'built for years of weekend gardening',
  Kitchen: 'made for everyday cooking',
  Toys: 'made for small hands and big ideas',
  Sports: 'for training days and match days',
  Office: 'for a tidy, pleasant desk',
};

/** SKU prefixes: the key that tells seed products apart, kept out of the name people read. */
export const SKU_PREFIX: Record<string, string> = {
  Books: 'BK',
  Games: 'GM',
  Music: 'MU',
  Garden: 'GD',
  Kitchen: 'KT',
  Toys: 'TY',
  Sports: 'SP',
  Office: 'OF',
};
