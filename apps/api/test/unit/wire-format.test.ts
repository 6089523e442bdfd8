// The response encoder writes exactly superjson's wire format, for every value (property-based).
import fc from 'fast-check';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { PROTOTYPE_KEYS } from '../../src/trpc/input-decoder.ts';
import { isoString, serializeOutput, serializeOutputJson, transformer } from '../../src/trpc/wire-format.ts';

// Keys with superjson's path metacharacters and prototype names, besides ordinary ones.
const key = fc.oneof(fc.string(), fc.constantFrom('a.b', 'a\\b', '\\.', '', '__proto__', 'constructor', '0'));
/** Plain values with Dates and undefined, objects keyed by `keys` (an output's DTO, or a client's input). */
const plainValues = (keys: fc.Arbitrary<string>, numbers: fc.Arbitrary<number>) =>
  fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.integer(),
      numbers,
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.date({ noInvalidDate: true }),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(keys, tie('value'), { maxKeys: 4 }),
    ),
  })).value;
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const dtoLike = { value: plainValues(key, finite) };
// What only superjson's registry handles: the encoder must hand these over, not garble them.
const exotic = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, new Date(Number.NaN)),
  fc.bigInt(),
  fc.array(fc.integer()).map((items) => new Set(items)),
  fc.array(fc.tuple(fc.string(), fc.integer())).map((entries) => new Map(entries)),
);

/**
 * The JSON text sent (what a client receives: the encoder may hand back parts of the value itself where
 * superjson copies), or the error message when superjson refuses the value (it throws on `__proto__` keys).
 */
const outcome = (write: (value: unknown) => string, value: unknown) => {
  try {
    return { wire: write(value) };
  } catch (error) {
    return { refused: (error as Error).message };
  }
};
const superjsonOutcome = (value: unknown) => outcome((v) => JSON.stringify(superjson.serialize(v)), value);
/** Both of the encoder's forms: the object (tRPC's adapter stringifies it) and the text (the direct path's). */
const expectSuperjsonWire = (value: unknown) => {
  const expected = superjsonOutcome(value);
  expect(outcome((v) => JSON.stringify(serializeOutput(v)), value)).toStrictEqual(expected);
  expect(outcome(serializeOutputJson, value)).toStrictEqual(expected);
};

describe('serializeOutput', () => {
  it('equals superjson.serialize on plain values with Dates and undefined', () => {
    fc.assert(
      fc.property(dtoLike.value, (value) => {
        expectSuperjsonWire(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('equals superjson.serialize when exotic values or shared references appear anywhere', () => {
    fc.assert(
      fc.property(dtoLike.value, exotic, fc.string(), (value, odd, name) => {
        const shared = { at: new Date(0) };
        for (const wrapped of [{ value, [name]: odd }, [value, odd], { a: shared, b: [shared], value }]) {
          expectSuperjsonWire(wrapped);
        }
      }),
      { numRuns: 500 },
    );
  });

  // superjson collects a container's annotations in an object keyed by their paths below it, where JavaScript
  // puts array-index keys ("1") before the others ("0.at"): the encoder once wrote them in walk order.
  it('orders the annotations as superjson does: an annotated child at an array index before paths through others', () => {
    const cases = [
      { x: [{ at: new Date(0) }, undefined] },
      [{ at: new Date(0) }, new Date(1), { at: undefined }, undefined],
      { '0': { at: new Date(0) }, b: new Date(1), '1': undefined, '01': undefined },
    ];
    for (const value of cases) expectSuperjsonWire(value);
    expect(Object.keys(serializeOutput(cases[0]).meta?.values ?? {})).toEqual(['x.1', 'x.0.at']);
    const leafOrNested = fc.oneof(
      fc.date({ noInvalidDate: true }),
      fc.constant(undefined),
      fc.integer(),
      fc.date({ noInvalidDate: true }).map((at) => ({ at })),
      fc.constant({ at: undefined }),
    );
    const digitKey = fc.oneof(fc.nat(12).map(String), fc.constantFrom('01', '4294967295', '4294967294', 'k'));
    fc.assert(
      fc.property(
        fc.array(leafOrNested, { maxLength: 6 }),
        fc.dictionary(digitKey, leafOrNested, { maxKeys: 6 }),
        (list, record) => {
          for (const value of [list, record, { list, record }, [record, list]]) {
            expectSuperjsonWire(value);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('round-trips a product page through superjson on the client side', () => {
    const page = {
      items: [
        {
          id: 1,
          price: '12.50',
          category: { id: 2, name: 'Books' },
          metadata: { 'a.b': { c: [1, 'x'] } },
          description: null,
          createdAt: new Date('2026-01-02T03:04:05.678Z'),
          updatedAt: new Date('2026-01-02T03:04:06.000Z'),
        },
      ],
      total: 1,
      totalIsExact: true,
    };
    const wire = serializeOutput(page);
    expect(wire.meta?.values).toEqual({ 'items.0.createdAt': ['Date'], 'items.0.updatedAt': ['Date'] });
    expect(superjson.deserialize(JSON.parse(JSON.stringify(wire)))).toStrictEqual(page);
    // Copied only where a Date became its string: the rest is the page's own (no second tree to build).
    const json = wire.json as unknown as { items: { createdAt: unknown; category: unknown; metadata: unknown }[] };
    expect(json.items[0]).not.toBe(page.items[0]);
    expect(json.items[0]?.createdAt).toBe('2026-01-02T03:04:05.678Z');
    expect(json.items[0]?.category).toBe(page.items[0]?.category);
    expect(json.items[0]?.metadata).toBe(page.items[0]?.metadata);
    expect(page.items[0]?.createdAt).toBeInstanceOf(Date);
  });
});

describe('isoString', () => {
  it('writes what Date#toISOString writes, for any valid date (years 0000-9999 by arithmetic, others by it)', () => {
    const edges = [-62_167_219_200_001, -62_167_219_200_000, -1, 0, 951_782_400_000, 253_402_300_799_999, 8.64e15];
    for (const ms of edges) expect(isoString(new Date(ms))).toBe(new Date(ms).toISOString());
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (date) => {
        expect(isoString(date)).toBe(date.toISOString());
      }),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(isoString(new Date(ms))).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('transformer.input', () => {
  it.each([[{ id: ['class', 'Nope'] }], [{ id: ['custom', 'Nope'] }], [{ id: ['symbol', 'x'] }], [{ '': 'Date' }]])(
    'refuses superjson meta %j at once, with a plain message (no stack overflow)',
    (values) => {
      // Before the check, superjson recursed on these until "Maximum call stack size exceeded".
      const payload = { json: { id: 1 }, meta: { values } } as unknown as Parameters<typeof superjson.deserialize>[0];
      expect(() => transformer.input.deserialize(payload)).toThrow(/^malformed input/);
    },
  );

  it('decodes what a superjson client sends exactly as superjson does (plain values, Dates, undefined)', () => {
    // Prototype keys are refused by both (superjson when serializing, the decoder when reading; fast-check's
    // strings include "prototype" now and then, which once failed this test in superjson's serialize); -0 travels as
    // a "number" annotation, which no input needs (the decoder refuses it).
    const input = plainValues(
      key.filter((k) => !PROTOTYPE_KEYS.has(k)),
      finite.filter((n) => !Object.is(n, -0)),
    );
    fc.assert(
      fc.property(input, (value) => {
        // Over the wire: JSON text, as tRPC's client sends it and tRPC's server parses it.
        const wire = () => JSON.parse(JSON.stringify(superjson.serialize(value)));
        expect(transformer.input.deserialize(wire())).toStrictEqual(superjson.deserialize(wire()));
      }),
      { numRuns: 2000 },
    );
  });

  it('still decodes the annotations clients send (Dates, undefined)', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(transformer.input.deserialize(superjson.serialize({ at, none: undefined }))).toEqual({
      at,
      none: undefined,
    });
  });
});
