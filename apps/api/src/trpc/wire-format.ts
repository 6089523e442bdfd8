// The response encoder: superjson's wire format written in one pass over the value. superjson.serialize
// runs every value through its generic type registry and spends ~5x JSON.stringify on a page of products;
// our outputs are plain objects, arrays, primitives and Dates, which this encodes byte for byte as
// superjson does. Anything else (Map, BigInt, NaN, a shared reference, …) goes to superjson itself, so
// the output is always what superjson.serialize would give, and clients decode it with superjson.
import superjson from 'superjson';

type SuperJSONResult = ReturnType<typeof superjson.serialize>;
type Annotation = ['Date'] | ['undefined'];

/** Keys superjson refuses to serialize (its prototype-pollution guard throws on them). */
export const SUPERJSON_REFUSED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Thrown inside the walk when a value needs superjson's full type registry. */
const NEEDS_SUPERJSON = Symbol('needs superjson');

// superjson's path syntax: keys joined by '.', with '\' and '.' escaped by a backslash.
const escapeKey = (key: string) =>
  key.includes('.') || key.includes('\\') ? key.replace(/\\/g, '\\\\').replace(/\./g, '\\.') : key;

const isPlainObject = (value: object) => {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

export function serializeOutput(value: unknown): SuperJSONResult {
  const values: Record<string, Annotation> = {};
  let annotated = false;
  const seen = new Set<object>();

  // `path` is undefined at the root (an empty key below it is the path '').
  const walk = (current: unknown, path: string | undefined): unknown => {
    switch (typeof current) {
      case 'string':
      case 'boolean':
        return current;
      case 'number':
        // superjson annotates NaN, ±Infinity and -0.
        if (!Number.isFinite(current) || Object.is(current, -0)) throw NEEDS_SUPERJSON;
        return current;
      case 'undefined':
        if (path === undefined) throw NEEDS_SUPERJSON;
        values[path] = ['undefined'];
        annotated = true;
        return null;
      case 'object': {
        if (current === null) return null;
        // superjson records repeated references (referentialEqualities): leave those to it.
        if (seen.has(current)) throw NEEDS_SUPERJSON;
        seen.add(current);
        if (current instanceof Date) {
          if (path === undefined || Number.isNaN(current.getTime())) throw NEEDS_SUPERJSON;
          values[path] = ['Date'];
          annotated = true;
          return current.toISOString();
        }
        const prefix = path === undefined ? '' : `${path}.`;
        if (Array.isArray(current)) {
          const out = new Array<unknown>(current.length);
          for (let i = 0; i < current.length; i++) out[i] = walk(current[i], `${prefix}${i}`);
          return out;
        }
        if (!isPlainObject(current)) throw NEEDS_SUPERJSON;
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(current)) {
          // superjson refuses these keys (prototype pollution guard): it decides what happens.
          if (SUPERJSON_REFUSED_KEYS.has(key)) throw NEEDS_SUPERJSON;
          out[key] = walk((current as Record<string, unknown>)[key], `${prefix}${escapeKey(key)}`);
        }
        return out;
      }
      default:
        throw NEEDS_SUPERJSON;
    }
  };

  try {
    const json = walk(value, undefined) as SuperJSONResult['json'];
    return annotated ? { json, meta: { values, v: 1 } as SuperJSONResult['meta'] } : { json };
  } catch (error) {
    if (error !== NEEDS_SUPERJSON) throw error;
    return superjson.serialize(value);
  }
}

// Inputs never need superjson's class, custom or symbol annotations (nothing registers any), and on an
// unknown name superjson recurses until the stack overflows: ~10-15 ms of CPU for a 100-byte request.
const REFUSED_ANNOTATIONS = new Set(['class', 'custom', 'symbol']);

/** Throws on meta annotations superjson could not apply, before superjson recurses on them. */
function checkInputMeta(tree: unknown, depth = 0): void {
  if (depth > 64) throw new TypeError('malformed input: superjson meta nests too deeply');
  if (Array.isArray(tree)) {
    if (typeof tree[0] === 'string' && REFUSED_ANNOTATIONS.has(tree[0])) {
      throw new TypeError(`malformed input: superjson "${tree[0]}" annotations are not accepted`);
    }
    for (const item of tree) checkInputMeta(item, depth + 1);
  } else if (tree !== null && typeof tree === 'object') {
    for (const [key, value] of Object.entries(tree)) {
      if (key === '') throw new TypeError('malformed input: superjson meta with an empty path');
      checkInputMeta(value, depth + 1);
    }
  }
}

/** tRPC's transformer: superjson for inputs (checked first), the one-pass encoder for outputs (same wire format). */
export const transformer = {
  input: {
    serialize: superjson.serialize.bind(superjson),
    deserialize: (payload: Parameters<typeof superjson.deserialize>[0]) => {
      checkInputMeta((payload as { meta?: { values?: unknown } } | undefined)?.meta?.values);
      return superjson.deserialize(payload);
    },
  },
  output: { serialize: serializeOutput, deserialize: superjson.deserialize.bind(superjson) },
};
