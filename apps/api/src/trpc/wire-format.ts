// The response encoder: superjson's wire format written in one pass over the value. superjson.serialize
// runs every value through its generic type registry and spends ~5x JSON.stringify on a page of products;
// our outputs are plain objects, arrays, primitives and Dates, which this encodes byte for byte as
// superjson does. Anything else (Map, BigInt, NaN, a shared reference, …) goes to superjson itself, so
// the output is always what superjson.serialize would give, and clients decode it with superjson.
import superjson from 'superjson';
import { decodeInput, PROTOTYPE_KEYS } from './input-decoder.ts';

type SuperJSONResult = ReturnType<typeof superjson.serialize>;
type Annotation = ['Date'] | ['undefined'];

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
          if (PROTOTYPE_KEYS.has(key)) throw NEEDS_SUPERJSON;
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

/** tRPC's transformer: the bounded decoder for inputs, the one-pass encoder for outputs (superjson's wire format). */
export const transformer = {
  input: { serialize: superjson.serialize.bind(superjson), deserialize: decodeInput },
  output: { serialize: serializeOutput, deserialize: superjson.deserialize.bind(superjson) },
};
