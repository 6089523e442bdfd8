// Hostile inputs for the HTTP fuzz suite (test/fuzz.test.ts): fast-check arbitraries derived from each
// procedure's zod input (through its JSON Schema), mixed with generic wrong-typed, boundary and odd values,
// and raw wire payloads no client library would send. Ids and names point at live rows through `PoolRef`
// placeholders, resolved when the request is sent (the world changes while the fuzzer runs).
import fc from 'fast-check';
import superjson from 'superjson';
import { type ZodType, z } from 'zod';

// ---------------------------------------------------------------------------------------------------------
// Placeholders: printed short in fast-check's counterexamples, materialized just before sending.

/** An existing id or string of the world at send time: `pool` names the list, `index` picks in it. */
export class PoolRef {
  readonly pool: string;
  readonly index: number;
  constructor(pool: string, index: number) {
    this.pool = pool;
    this.index = index;
  }
  [fc.toStringMethod]() {
    return `ref(${this.pool}#${this.index})`;
  }
}

/** A ~100 kB string, kept out of the counterexample printout. */
export class Huge {
  readonly kind: keyof typeof HUGE;
  constructor(kind: keyof typeof HUGE) {
    this.kind = kind;
  }
  [fc.toStringMethod]() {
    return `huge(${this.kind})`;
  }
}

/** `value` wrapped `depth` levels deep (arrays past 100 levels), kept out of the printout. */
export class Nest {
  readonly depth: number;
  readonly value: unknown;
  constructor(depth: number, value: unknown) {
    this.depth = depth;
    this.value = value;
  }
  [fc.toStringMethod]() {
    return `nest(${this.depth}, ${fc.stringify(this.value)})`;
  }
}

const HUGE = {
  ascii: () => 'x'.repeat(100_000),
  digits: () => '9'.repeat(100_000),
  emoji: () => '😀'.repeat(25_000),
  like: () => '%_\\'.repeat(33_334),
  nul: () => 'a\u0000'.repeat(50_000),
  spaces: () => ' '.repeat(100_000),
} as const;

const hugeTexts = new Map<keyof typeof HUGE, string>();
const hugeText = (kind: keyof typeof HUGE) => {
  if (!hugeTexts.has(kind)) hugeTexts.set(kind, HUGE[kind]());
  return hugeTexts.get(kind)!;
};

/** Live lists the placeholders resolve against (names of lists: "id", "string", or a field name). */
export type Pools = (name: string) => readonly unknown[];

/** Rebuilds `value` with placeholders resolved; own `__proto__`/`constructor` keys stay own keys. */
export function materialize(value: unknown, pools: Pools): unknown {
  if (value instanceof PoolRef) {
    const list = pools(value.pool);
    const fallback = pools(value.pool === 'id' ? 'id' : 'string');
    const from = list.length > 0 ? list : fallback;
    return from.length > 0 ? from[value.index % from.length] : value.pool === 'id' ? 1 : 'x';
  }
  if (value instanceof Huge) return hugeText(value.kind);
  if (value instanceof Nest) {
    return deeplyNested(value.depth, value.depth > 100 ? 'array' : 'object', materialize(value.value, pools));
  }
  if (Array.isArray(value)) return value.map((item) => materialize(item, pools));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) defineOwn(out, key, materialize(value[key], pools));
    return out;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Like JSON.parse does: `__proto__` becomes an own key (an assignment would set the prototype). */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** An object from entries, keys kept as own properties (`__proto__` included). */
export function ownObject(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) defineOwn(out, key, value);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Leaves.

/** Strings that break naive parsers, collations, LIKE patterns, SQL concatenation and number coercion. */
export const ODD_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0000admin',
  '\ud800',
  'x\udc00y',
  '\udbff\udfff',
  '\u202eevil',
  '\u200f\u200e',
  '\u200b',
  '\ufeff1',
  '😀',
  '👨‍👩‍👧‍👦',
  'e\u0301',
  '١٢٣',
  '１２',
  '١.٠٠',
  '۱۲',
  ' 1',
  '1 ',
  '+1',
  '-1',
  '1e3',
  '0x10',
  '0b1',
  '1_000',
  '1,00',
  '.5',
  '1.',
  '00.10',
  '1.005',
  '12.50',
  '0.00',
  '0',
  '-0',
  '9999999999.99',
  '99999999999.99',
  '10000000000',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  "' OR 1=1 --",
  "'; DROP TABLE users; --",
  '" OR ""="',
  "1; select * from users where '1'='1",
  "admin'--",
  '%',
  '_',
  '\\',
  '%_\\%',
  '\\%',
  '[a-z]*',
  '$1',
  '?',
  ':id',
  '2024-01-01',
  '2024-01-01T00:00:00Z',
  '2024-02-30T25:61:61Z',
  '0000-00-00',
  '+275760-09-13T00:00:00.000Z',
  '1970-01-01T00:00:00.000Z',
  'İ',
  'ß',
  'ﬀ',
  'Ω',
  '\t',
  '\n',
  '\r\n',
  '\u00a0',
  '\u3000',
  '\u2028',
  '   padded   ',
  'ADMIN',
  'Admin ',
  'admin@example.com',
  'ALICE@EXAMPLE.COM',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style payload, literally
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
];

const hugeString = fc.constantFrom(...(Object.keys(HUGE) as (keyof typeof HUGE)[])).map((kind) => new Huge(kind));

export const oddString: fc.Arbitrary<string> = fc.constantFrom(...ODD_STRINGS);

/** Random text: printable, full Unicode with lone surrogates, and ASCII with LIKE/SQL metacharacters. */
const randomString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom('%', '_', '\\', "'", '"', ';', '-', ' ', 'a', '\u0000'), maxLength: 10 }),
);

/**
 * Opaque tokens forged the way APIs commonly build them (base64url of JSON, e.g. keyset cursors): pairs
 * of odd sort keys and ids, so a decoder's type checks are reached, not only its base64 parser.
 */
const forgedToken = fc
  .tuple(
    fc.oneof(
      oddString,
      fc.constantFrom<unknown>(
        1e308,
        -1,
        0.1,
        2 ** 53,
        null,
        true,
        [],
        {},
        '9999-12-31T23:59:59.999Z',
        '0000-01-01T00:00:00Z',
      ),
      fc.constantFrom('12.50', '99999999999.99', '-1', '1e3'),
    ),
    fc.constantFrom<unknown>(1, 0, -1, 2 ** 31, 2 ** 53, 1.5, '1', null),
    fc.constantFrom('pair', 'triple', 'object', 'raw'),
  )
  .map(([key, id, shape]) => {
    const value =
      shape === 'pair' ? [key, id] : shape === 'triple' ? [key, id, id] : shape === 'object' ? { key, id } : key;
    return Buffer.from(JSON.stringify(value)).toString('base64url');
  });

export const hostileString: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: oddString, weight: 6 },
  { arbitrary: randomString, weight: 3 },
  { arbitrary: forgedToken, weight: 1 },
  { arbitrary: hugeString, weight: 1 },
);

/** Boundary numbers; NaN, ±Infinity and -0 travel as superjson annotations. */
export const BOUNDARY_NUMBERS: readonly number[] = [
  0,
  -0,
  -1,
  1,
  0.1,
  0.5,
  1.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e21,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.EPSILON,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  100,
  101,
  1000,
  1001,
  100_000,
  100_001,
];

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constantFrom(...BOUNDARY_NUMBERS), weight: 5 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
);

const hostileDate = fc.oneof(
  fc.constantFrom(new Date(0), new Date(Number.NaN), new Date(8.64e15), new Date(-8.64e15), new Date(-1)),
  fc.date({ noInvalidDate: false }),
);

/** Types superjson carries that no schema here accepts. */
const exoticValue = fc.oneof(
  fc.constantFrom<unknown>(
    undefined,
    10n,
    2n ** 64n,
    -1n,
    /x/g,
    new Map([[1, 2]]),
    new Set([1, 'a']),
    new URL('http://example.com/'),
    new Error('injected'),
  ),
  hostileDate,
);

export const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 5 },
  { arbitrary: hostileNumber, weight: 4 },
  { arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, ''), weight: 2 },
  { arbitrary: exoticValue, weight: 2 },
);

/** Keys that reach prototypes in naive merges, plus look-alikes of real field names. */
export const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'json',
  'meta',
  'id',
  'ID',
  ' id',
  '',
  '0',
  '$where',
  '$ne',
  'a.b',
  'a\\.b',
];

const hostileKey = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_KEYS), weight: 2 },
  { arbitrary: randomString, weight: 1 },
);

/** Any value: leaves, arrays, objects with prototype keys, to a bounded depth. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: hostileLeaf, weight: 6 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
    {
      arbitrary: fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 }).map((entries) => ownObject(entries)),
      weight: 1,
    },
  ),
})).value;

/** Nested objects or arrays `depth` levels deep (recursive walkers and JSON parsers). */
export function deeplyNested(depth: number, kind: 'object' | 'array', leaf: unknown = 1): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : ownObject([['a', value]]);
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Valid-looking values from the procedure's JSON Schema (zod 4: `z.toJSONSchema`).

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

const JS_DATE = 'x-js-date';

/**
 * The JSON Schema of a procedure's input (its zod parsers merged), or null when it has none or zod cannot
 * describe it. Dates are marked (`format: x-js-date`), other unrepresentable parts become `{}` (anything).
 */
export function inputSchemaOf(inputs: readonly unknown[]): JsonSchema | null {
  const schemas: JsonSchema[] = [];
  for (const input of inputs) {
    try {
      schemas.push(
        z.toJSONSchema(input as ZodType, {
          io: 'input',
          unrepresentable: 'any',
          override: (ctx) => {
            if ((ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def.type === 'date') {
              (ctx.jsonSchema as JsonSchema).format = JS_DATE;
            }
          },
        }) as JsonSchema,
      );
    } catch {
      // Not describable as JSON Schema: fall back to the zod object's shape keys, if any.
      const shape = (input as { shape?: Record<string, unknown> }).shape;
      schemas.push(
        shape && typeof shape === 'object'
          ? { type: 'object', properties: Object.fromEntries(Object.keys(shape).map((key) => [key, {}])) }
          : {},
      );
    }
  }
  if (schemas.length === 0) return null;
  if (schemas.length === 1) return schemas[0] ?? null;
  // Several .input() calls: tRPC merges their objects.
  const merged: JsonSchema = { type: 'object', properties: {}, required: [], $defs: {} };
  for (const schema of schemas) {
    Object.assign(merged.properties as object, schema.properties ?? {});
    merged.required?.push(...(schema.required ?? []));
    Object.assign(merged.$defs as object, schema.$defs ?? {});
  }
  return merged;
}

/** Field names that hold row ids (`id`, `userId`, `ids`, …). */
const isIdField = (name: string | undefined) => name !== undefined && /(^ids?$|Ids?$)/.test(name);

const SAFE_MAX = Number.MAX_SAFE_INTEGER;

/** An integer within the schema's bounds, biased towards the bounds themselves. */
function integerIn(schema: JsonSchema): fc.Arbitrary<number> {
  const min = Math.max(
    schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -SAFE_MAX),
    -SAFE_MAX,
  );
  const max = Math.min(
    schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : SAFE_MAX),
    SAFE_MAX,
  );
  const edges = [min, max, min + 1, Math.min(max, 2 ** 31 - 1), Math.min(max, 2 ** 31)].filter(
    (n) => n >= min && n <= max,
  );
  return fc.oneof(
    { arbitrary: fc.constantFrom(...edges), weight: 3 },
    { arbitrary: fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 1000) }), weight: 1 },
  );
}

/** Strings within the length bounds: the world's names, odd characters, SQL and LIKE metacharacters. */
function stringIn(schema: JsonSchema, field: string | undefined): fc.Arbitrary<unknown> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 10_000;
  const fits = (s: string) => s.length >= min && s.length <= max;
  if (schema.pattern) {
    // e.g. the money form: valid by construction, plus edge values of the same form.
    const pattern = new RegExp(schema.pattern);
    return fc.stringMatching(pattern).filter(fits);
  }
  const odd = ODD_STRINGS.filter((s) => fits(s) && s.trim().length > 0);
  // Control characters get their own share, NUL most: databases refuse it where validation lets it through.
  const control = fc
    .tuple(
      fc.constantFrom('\u0000', '\u0000', '\u0000', '\u0001', '\u001b', '\u007f', '\ud800'),
      fc.constantFrom('', 'a', 'admin', '%'),
    )
    .map(([c, text]) => `${text}${c}${text}`)
    .filter(fits);
  const options: fc.WeightedArbitrary<unknown>[] = [
    { arbitrary: fc.nat().map((index) => new PoolRef(field ?? 'string', index)), weight: 3 },
    { arbitrary: fc.string({ minLength: Math.max(min, 1), maxLength: Math.min(max, 24) }).filter(fits), weight: 2 },
    { arbitrary: control, weight: 2 },
    { arbitrary: forgedToken.filter(fits), weight: 1 },
  ];
  if (odd.length > 0) options.push({ arbitrary: fc.constantFrom(...odd), weight: 3 });
  if (schema.format === 'email') {
    options.push({ arbitrary: fc.emailAddress().filter(fits), weight: 2 });
    options.push({
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('a', "o'brien", 'x_y', '%', 'z+tag', 'A.B'),
          fc.constantFrom('example.com', 'ex-ample.org'),
        )
        .map(([local, domain]) => `${local}@${domain}`),
    });
  }
  return fc.oneof(...options);
}

/**
 * A value the schema accepts (nearly: refinements such as "not empty" or a forbidden key are not in JSON
 * Schema), with ids and names drawn from the world so deeper code runs.
 */
export function validArbitrary(
  schema: JsonSchema,
  root: JsonSchema = schema,
  field?: string,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/\$defs\//, '');
    const target = root.$defs?.[name];
    if (!target || depth > 3)
      return fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
    return validArbitrary(target, root, field, depth + 1);
  }
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const usable =
      depth > 3 ? alternatives.filter((a) => !a.$ref && a.type !== 'object' && a.type !== 'array') : alternatives;
    return fc.oneof(...(usable.length ? usable : alternatives).map((a) => validArbitrary(a, root, field, depth + 1)));
  }
  if (schema.format === JS_DATE) return hostileDate;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const entries = Object.entries(properties).map(([key, property]) => {
        const value = validArbitrary(property, root, key, depth + 1);
        // Optional fields: present about half the time.
        return required.has(key)
          ? value.map((v) => [[key, v]] as [string, unknown][])
          : fc
              .option(value, { nil: undefined, freq: 2 })
              .map((v) => (v === undefined ? [] : ([[key, v]] as [string, unknown][])));
      });
      const extra =
        schema.additionalProperties && typeof schema.additionalProperties === 'object'
          ? fc.array(
              fc.tuple(
                fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('color', 'size', 'a.b', '%', 'ключ', '😀')),
                validArbitrary(schema.additionalProperties, root, undefined, depth + 1),
              ),
              { maxLength: 3 },
            )
          : fc.constant([] as [string, unknown][]);
      return fc.tuple(fc.tuple(...entries), extra).map(([fields, more]) => ownObject([...fields.flat(), ...more]));
    }
    case 'array': {
      const items = schema.items ? validArbitrary(schema.items, root, field, depth + 1) : hostileLeaf;
      const minLength = schema.minItems ?? 0;
      // Short arrays: bulk inserts of a thousand rows (and a hundred password hashes) cost seconds.
      return fc.array(items, { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 3, 3)) });
    }
    case 'string':
      return stringIn(schema, field);
    case 'integer':
      if (isIdField(field)) {
        // Mostly rows of the world (the caller's own, someone else's, just deleted), sometimes none.
        return fc.oneof(
          { arbitrary: fc.nat().map((index) => new PoolRef('id', index)), weight: 3 },
          { arbitrary: integerIn(schema), weight: 1 },
        );
      }
      return integerIn(schema);
    case 'number':
      return fc.double({
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      // `{}`: anything goes (unrepresentable zod types, z.any()).
      return hostileValue;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Corruption: one field of a valid-shaped value made hostile, so validation of that field (and only that
// field) is exercised, or the value passes through to the services with one odd part.

type Path = (string | number)[];

/** Every path into objects and arrays of `value` (the root included). */
export function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) pathsOf(item, [...prefix, index], out);
  } else if (isPlainObject(value)) for (const key of Object.keys(value)) pathsOf(value[key], [...prefix, key], out);
  return out;
}

function getAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const step of path) current = (current as Record<string | number, unknown>)?.[step];
  return current;
}

/** A copy of `value` with `path` replaced by `replace(old)`; `deleteKey` drops the key instead. */
function updateAt(value: unknown, path: Path, replace: (old: unknown) => unknown, deleteKey = false): unknown {
  if (path.length === 0) return replace(value);
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (deleteKey && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = updateAt(copy[head as number], rest, replace, deleteKey);
    return copy;
  }
  if (isPlainObject(value)) {
    const entries: [string, unknown][] = [];
    for (const key of Object.keys(value)) {
      if (key !== head) entries.push([key, value[key]]);
      else if (!(deleteKey && rest.length === 0)) entries.push([key, updateAt(value[key], rest, replace, deleteKey)]);
    }
    return ownObject(entries);
  }
  return value;
}

/** How one field is corrupted. */
export type Corruption =
  | { op: 'replace'; with: unknown }
  | { op: 'retype' }
  | { op: 'delete' }
  | { op: 'addKey'; key: string; value: unknown }
  | { op: 'wrapArray' }
  | { op: 'nest'; depth: number }
  | { op: 'overfill'; count: number };

export const corruptionArbitrary: fc.Arbitrary<Corruption> = fc.oneof(
  { arbitrary: hostileValue.map((v) => ({ op: 'replace' as const, with: v })), weight: 8 },
  { arbitrary: fc.constant({ op: 'retype' as const }), weight: 3 },
  { arbitrary: fc.constant({ op: 'delete' as const }), weight: 2 },
  {
    arbitrary: fc.tuple(hostileKey, hostileValue).map(([key, value]) => ({ op: 'addKey' as const, key, value })),
    weight: 2,
  },
  { arbitrary: fc.constant({ op: 'wrapArray' as const }), weight: 1 },
  { arbitrary: fc.constantFrom(64, 2_000).map((depth) => ({ op: 'nest' as const, depth })), weight: 1 },
  { arbitrary: fc.constantFrom(101, 1_001).map((count) => ({ op: 'overfill' as const, count })), weight: 1 },
);

/** The same value as another type: "5" for 5, 5 for "5", "true" for true, a Date for an ISO string. */
function retype(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') {
    if (!Number.isNaN(Date.parse(value)) && /\d{4}-/.test(value)) return new Date(value);
    const n = Number(value);
    return value.trim() !== '' && !Number.isNaN(n) ? n : [value];
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof PoolRef)
    return value.pool === 'id' ? new PoolRef('string', value.index) : new PoolRef('id', value.index);
  if (Array.isArray(value)) return value[0] ?? null;
  if (value === null) return 'null';
  if (isPlainObject(value)) return JSON.stringify(value);
  return null;
}

export function corrupt(value: unknown, path: Path, corruption: Corruption): unknown {
  switch (corruption.op) {
    case 'replace':
      return updateAt(value, path, () => corruption.with);
    case 'retype':
      return updateAt(value, path, retype);
    case 'delete':
      return path.length === 0 ? undefined : updateAt(value, path, () => undefined, true);
    case 'addKey': {
      const target = getAt(value, path);
      if (!isPlainObject(target)) return updateAt(value, path, () => ownObject([[corruption.key, corruption.value]]));
      return updateAt(value, path, (old) =>
        ownObject([...Object.entries(old as Record<string, unknown>), [corruption.key, corruption.value]]),
      );
    }
    case 'wrapArray':
      return updateAt(value, path, (old) => [old]);
    case 'nest':
      return updateAt(value, path, (old) => new Nest(corruption.depth, old));
    case 'overfill':
      return updateAt(value, path, (old) =>
        Array.isArray(old) ? Array.from({ length: corruption.count }, () => old[0] ?? 1) : old,
      );
  }
}

// ---------------------------------------------------------------------------------------------------------
// The wire: what goes over HTTP for one call.

export type Wire =
  /** A value, serialized by superjson as a client would (or as plain JSON when superjson refuses it). */
  | { kind: 'value'; value: unknown }
  /** No input at all (no `input` parameter, empty body). */
  | { kind: 'none' }
  /** This exact text as the `input` parameter or the body. */
  | { kind: 'raw'; text: string }
  /** `{"json": [[[…1…]]]}` (or objects) nested `depth` levels, as text. */
  | { kind: 'deep'; depth: number; open: '[' | '{"a":' }
  /** `{"json": <value as plain JSON>, "meta": <this text>}`. */
  | { kind: 'meta'; value: unknown; meta: string }
  /** The value as plain JSON text with a prototype key added to its `at`-th object. */
  | { kind: 'protoKey'; value: unknown; key: string; at: number }
  /** A correct superjson body under a wrong content type (mutations) or header (queries). */
  | { kind: 'contentType'; value: unknown; contentType: string }
  /** This exact query string (after `?`), percent escapes as given. */
  | { kind: 'rawQuery'; query: string }
  /** The right procedure with the wrong HTTP method. */
  | { kind: 'wrongMethod'; value: unknown }
  /** A batch call of this procedure `count` times with this input. */
  | { kind: 'batch'; count: number; value: unknown };

const jsonReplacer = (_key: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/**
 * Whether superjson would write `value` as plain JSON without `meta` (plain objects and arrays of strings,
 * booleans, null and finite non-negative-zero numbers): an explicit stack, so deep values cost no recursion.
 */
function isPlainJson(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current === 'string' || typeof current === 'boolean') continue;
    if (typeof current === 'number') {
      if (!Number.isFinite(current) || Object.is(current, -0)) return false;
      continue;
    }
    if (Array.isArray(current)) {
      for (const item of current) stack.push(item);
      continue;
    }
    if (!isPlainObject(current)) return false;
    for (const key of Object.keys(current)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') return false;
      stack.push(current[key]);
    }
  }
  return true;
}

/**
 * `{"json": …, "meta": …}` text as a superjson client sends it: superjson's own output, written directly
 * for plain JSON values (superjson's walker is quadratic in nesting depth); plain JSON for values
 * superjson refuses (prototype keys).
 */
export function encodeInput(value: unknown): string {
  if (value !== undefined && isPlainJson(value)) return `{"json":${JSON.stringify(value)}}`;
  try {
    return JSON.stringify(superjson.serialize(value));
  } catch {
    return JSON.stringify({ json: value === undefined ? null : value }, jsonReplacer);
  }
}

/** Percent-encodes UTF-8 (lone surrogates become U+FFFD, as a client's UTF-8 encoder does, instead of throwing). */
export const percentEncode = (text: string): string => encodeURIComponent(text.toWellFormed());

/** superjson `meta` objects that are malformed, point nowhere, or at prototypes. */
const HOSTILE_META: readonly string[] = [
  '{"values":{"__proto__.polluted":["Date"]}}',
  '{"values":{"constructor.prototype.polluted":["Date"]}}',
  '{"referentialEqualities":{"id":["__proto__.polluted"]}}',
  // Unknown class/custom/symbol annotations and an empty path overflow superjson's stack (~10 ms of
  // server CPU each, answered 400): two of them are enough.
  '{"values":{"id":["class","Nope"]}}',
  '{"values":{"id":["bigint"]}}',
  '{"values":{"id":["Date"]}}',
  '{"values":{"id":["number"]}}',
  '{"values":{"id":["map"]}}',
  '{"values":{"id":["set"]}}',
  '{"values":{"id":["regexp"]}}',
  '{"values":{"id":["Error"]}}',
  '{"values":{"id":["URL"]}}',
  '{"values":{"id":["undefined"]}}',
  '{"values":{"id":[["map",{}]]}}',
  '{"values":{"":"Date"}}',
  '{"values":{"id":["custom"]}}',
  '{"values":["Date"]}',
  '{"values":{"a.b.c.d":["Date"]}}',
  '{"values":null}',
  '{"referentialEqualities":{"id":["id"]}}',
  '{"referentialEqualities":["x"]}',
  '{"v":"x"}',
  '{"v":999}',
  '"meta"',
  '[]',
  'null',
  '{"values":{"id":["Date"]},"referentialEqualities":{"":["id"]}}',
  // A bare string where superjson expects an annotation array: it walks the string's characters forever.
  '{"values":{"perPage":"Date"}}',
  '{"values":{"id":"Date"}}',
  '{"values":"Date"}',
  '{"values":{"id":["typed-array","Int8Array"]}}',
  '{"values":{"id":[["typed-array","Int8Array"]]}}',
  '{"values":{"id":["bigint"]}}',
  '{"values":{"id":[["custom","x"],{"a":["Date"]}]}}',
  '{"values":{"id":["map",{"0.0":["Date"]}]}}',
  '{"values":{"items.99999999":["undefined"]}}',
  '{"values":{"a\\\\x":["Date"]},"v":1}',
  '{"values":{"id":null}}',
  `{"values":{"id":${'["Date",'.repeat(2_000)}{}${']'.repeat(2_000)}}}`,
  `{"values":${'{"a":'.repeat(2_000)}["Date"]${'}'.repeat(2_000)}}`,
];

/** Bodies and `input` strings that are not (valid) superjson. */
const MALFORMED_TEXT: readonly string[] = [
  '',
  '{',
  '}',
  '{"json":',
  '{"json":}',
  "{'json':1}",
  '{"json":1}{"json":2}',
  '{"json":1,"json":{"id":1}}',
  'undefined',
  'NaN',
  'null',
  'true',
  '1',
  '"json"',
  '[]',
  '[{"json":{}}]',
  '{}',
  '{"json":null}',
  '{"meta":{}}',
  '\u0000',
  '{"json":"\u0000"}',
  '{"json":"\\u0000"}',
  '{"json":{"id":"\\ud800"}}',
  '{"json":{"id":1e999}}',
  '{"json":{"id":-0}}',
  '{"json":{"id":1.0}}',
  '{"json":{"id":01}}',
  '{"json":{"id":0x10}}',
  '\ufeff{"json":{}}',
  '{"json":{"__proto__":{"polluted":"yes"}}}',
  '{"json":{"constructor":{"prototype":{"polluted":"yes"}}}}',
  '{"__proto__":{"polluted":"yes"},"json":{}}',
  '{"json":{"a":{"b":{"__proto__":{"polluted":"yes"}}}}}',
  '{"json":{},"meta":null}',
  '{"json":{},"meta":"x"}',
  '{"json":{},"meta":{"values":{"perPage":"Date"}}}',
];

// Not multipart/form-data: tRPC's fastify adapter hands such bodies on as the raw stream and accepts only a
// real `http.IncomingMessage`, which `app.inject` does not make (it answers 500 there, not over a socket);
// fuzz.test.ts sends multipart bodies over a socket instead.
const CONTENT_TYPES: readonly string[] = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/octet-stream',
  'application/jsonx',
  'application/json, text/plain',
];

const RAW_QUERIES: readonly string[] = [
  'input=%E0%A4%A',
  'input=%ZZ',
  'input=%C0%AF',
  'input=%00',
  'input=%7B%22json%22%3A%7B%7D%7D&input=%7B%7D',
  'input[]=1',
  'input[json][id]=1',
  'input=',
  'input',
  '=&&&==',
  'batch=1',
  'batch=1&input=%7B%7D',
  'batch=1&input=%7B%220%22%3A%7B%22json%22%3A%7B%7D%7D%2C%22__proto__%22%3A%7B%7D%7D',
  'batch=1&input=%7B%22-1%22%3A%7B%7D%2C%221e3%22%3A%7B%7D%7D',
  'batch=0&input=%7B%7D',
  // A null batch entry, and a batch entry whose meta is a bare string.
  'batch=1&input=%7B%220%22%3Anull%7D',
  'batch=1&input=%7B%220%22%3A%7B%22json%22%3A%7B%7D%2C%22meta%22%3A%7B%22values%22%3A%7B%22a%22%3A%22Date%22%7D%7D%7D%7D',
  `input=${'%7B'.repeat(5_000)}`,
];

/** Raw wire payloads, most built around a valid-shaped value. */
export function rawWireArbitrary(valid: fc.Arbitrary<unknown>): fc.Arbitrary<Wire> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...MALFORMED_TEXT).map((text): Wire => ({ kind: 'raw', text })), weight: 4 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(1_000, 20_000), fc.constantFrom('[' as const, '{"a":' as const))
        .map(([depth, open]): Wire => ({ kind: 'deep', depth, open })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...HOSTILE_META))
        .map(([value, meta]): Wire => ({ kind: 'meta', value, meta })),
      weight: 4,
    },
    {
      arbitrary: fc
        .tuple(valid, fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.nat(4))
        .map(([value, key, at]): Wire => ({ kind: 'protoKey', value, key, at })),
      weight: 4,
    },
    {
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...CONTENT_TYPES))
        .map(([value, contentType]): Wire => ({ kind: 'contentType', value, contentType })),
      weight: 2,
    },
    { arbitrary: fc.constantFrom(...RAW_QUERIES).map((query): Wire => ({ kind: 'rawQuery', query })), weight: 2 },
    { arbitrary: valid.map((value): Wire => ({ kind: 'wrongMethod', value })), weight: 1 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(1, 2, 3, 21), valid)
        .map(([count, value]): Wire => ({ kind: 'batch', count, value })),
      weight: 2,
    },
  );
}

/** `value` (materialized) with `{key: {polluted…}}` added to its `at`-th object (the root when none). */
function withPrototypeKey(value: unknown, key: string, at: number): unknown {
  const objects = pathsOf(value).filter((path) => isPlainObject(getAt(value, path)));
  const payload = JSON.parse('{"polluted":"yes","prototype":{"polluted":"yes"}}');
  if (objects.length === 0) return ownObject([[key, payload]]);
  const path = objects[at % objects.length] ?? [];
  return updateAt(value, path, (old) => ownObject([...Object.entries(old as object), [key, payload]]));
}

/** One HTTP request, as `app.inject` takes it. */
export interface RenderedRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** Every string and key the input carried (the response may echo them). */
  echoes: string[];
  /** The input value as sent (placeholders resolved), when the wire carries one. */
  input?: unknown;
}

/**
 * The tRPC HTTP protocol for one call of `path` (a query is a GET with `?input=`, a mutation a POST with the
 * input as body), or the malformed variant the wire asks for. Placeholders are resolved against `pools`.
 */
export function renderRequest(path: string, type: 'query' | 'mutation', wire: Wire, pools: Pools): RenderedRequest {
  const query = type === 'query';
  const base = `/trpc/${path}`;
  const echoes: string[] = [];
  const value = 'value' in wire ? materialize(wire.value, pools) : undefined;
  collectEchoes(value, echoes);
  const plain = (v: unknown) => JSON.stringify(v === undefined ? null : v, jsonReplacer) ?? 'null';
  const send = (text: string | undefined, method = query ? 'GET' : 'POST'): RenderedRequest => {
    if (text !== undefined) echoes.push(text);
    if (method === 'GET') {
      return {
        method: 'GET',
        url: text === undefined ? base : `${base}?input=${percentEncode(text)}`,
        headers: {},
        echoes,
        input: value,
      };
    }
    return {
      method: 'POST',
      url: base,
      headers: text === undefined ? {} : { 'content-type': 'application/json' },
      ...(text === undefined ? {} : { payload: text }),
      echoes,
      input: value,
    };
  };
  switch (wire.kind) {
    case 'none':
      return send(undefined);
    case 'value':
      return send(encodeInput(value));
    case 'raw':
      return send(wire.text);
    case 'deep': {
      const close = wire.open === '[' ? ']' : '}';
      return send(`{"json":${wire.open.repeat(wire.depth)}1${close.repeat(wire.depth)}}`);
    }
    case 'meta':
      return send(`{"json":${plain(value)},"meta":${wire.meta}}`);
    case 'protoKey': {
      const polluted = withPrototypeKey(value, wire.key, wire.at);
      echoes.push(wire.key, 'polluted', 'prototype');
      return send(JSON.stringify({ json: polluted }, jsonReplacer));
    }
    case 'contentType': {
      const rendered = send(encodeInput(value));
      rendered.headers = { 'content-type': wire.contentType };
      return rendered;
    }
    case 'rawQuery':
      echoes.push(decodeURIComponentSafe(wire.query));
      return { method: query ? 'GET' : 'POST', url: `${base}?${wire.query}`, headers: {}, echoes };
    case 'wrongMethod':
      return send(encodeInput(value), query ? 'POST' : 'GET');
    case 'batch': {
      const paths = Array.from({ length: wire.count }, () => path).join(',');
      const inputs = Object.fromEntries(
        Array.from({ length: wire.count }, (_, i) => [String(i), JSON.parse(encodeInput(value))]),
      );
      const text = JSON.stringify(inputs);
      echoes.push(text);
      if (query) {
        return {
          method: 'GET',
          url: `/trpc/${paths}?batch=1&input=${percentEncode(text)}`,
          headers: {},
          echoes,
          input: value,
        };
      }
      return {
        method: 'POST',
        url: `/trpc/${paths}?batch=1`,
        headers: { 'content-type': 'application/json' },
        payload: text,
        echoes,
        input: value,
      };
    }
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Strings and keys inside a value (what an error message may legitimately quote back). */
function collectEchoes(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'bigint') out.push(String(value));
  else if (value instanceof Date) out.push(Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString());
  else if (Array.isArray(value)) for (const item of value) collectEchoes(item, out);
  else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      out.push(key);
      collectEchoes(value[key], out);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// One fuzz case.

export type Caller = 'anonymous' | 'customer' | 'admin';

export interface FuzzCase {
  caller: Caller;
  /** Extra Authorization header sent by an anonymous caller (garbage tokens). */
  authorization?: string;
  wire: Wire;
}

/** Authorization headers that are not a valid session. */
const BOGUS_AUTHORIZATION: readonly string[] = [
  'Bearer ',
  'Bearer null',
  'Bearer undefined',
  `Bearer ${'a'.repeat(20)}`,
  `Bearer ${'a'.repeat(101)}`,
  `Bearer ${'A'.repeat(43)}`,
  "Bearer ' OR 1=1 --aaaaaaaaaaaa",
  'Basic YWRtaW46YWRtaW4=',
  'bearer aaaaaaaaaaaaaaaaaaaaaaaaa',
  'Bearer\taaaaaaaaaaaaaaaaaaaaaaaaa',
  `Bearer ${'x'.repeat(16_000)}`,
];

/**
 * The cases for one procedure: fully valid-looking inputs (ids of real rows), valid ones with one field
 * corrupted, wholly hostile values, and raw wire payloads; each from an anonymous caller, the signed-in
 * customer, or the admin.
 */
export function fuzzCaseArbitrary(schema: JsonSchema | null): fc.Arbitrary<FuzzCase> {
  const valid = schema ? validArbitrary(schema) : fc.constant(undefined);
  const corrupted = valid.chain((value) => {
    const paths = pathsOf(value);
    return fc
      .tuple(fc.constantFrom(...paths), corruptionArbitrary)
      .map(([path, corruption]) => corrupt(value, path, corruption));
  });
  const wire: fc.Arbitrary<Wire> = fc.oneof(
    {
      arbitrary: schema ? valid.map((value): Wire => ({ kind: 'value', value })) : fc.constant<Wire>({ kind: 'none' }),
      weight: 6,
    },
    { arbitrary: corrupted.map((value): Wire => ({ kind: 'value', value })), weight: 8 },
    { arbitrary: hostileValue.map((value): Wire => ({ kind: 'value', value })), weight: 3 },
    { arbitrary: rawWireArbitrary(valid), weight: 3 },
  );
  return fc
    .tuple(
      fc.constantFrom<Caller>('anonymous', 'customer', 'admin', 'customer', 'admin'),
      fc.option(fc.constantFrom(...BOGUS_AUTHORIZATION), { freq: 4 }),
      wire,
    )
    .map(([caller, authorization, w]) => ({
      caller,
      ...(caller === 'anonymous' && authorization !== null ? { authorization } : {}),
      wire: w,
    }));
}
