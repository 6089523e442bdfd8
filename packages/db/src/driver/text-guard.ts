// NUL, which PostgreSQL refuses in text and JSON, MariaDB stores and SQLite ends a statement at, is refused in
// every entity write at flush (an InvalidError naming the property) and, through findNul, in the API's input.
import { type EventSubscriber, type FlushEventArgs, JsonType } from '@mikro-orm/core';
import { InvalidError } from '../domain/errors.ts';
import { MAX_JSON_DEPTH } from '../domain/limits.ts';

const NUL = '\u0000';

export interface TextProblem {
  /** Keys and array indexes from the value's root to the string or object at fault (zod's issue path). */
  path: (string | number)[];
  message: string;
}

export interface FindNulOptions {
  /** A key refused besides those holding a NUL: returns the message to give, or undefined to accept it. */
  refuseKey?: (key: string) => string | undefined;
  /** Objects and arrays nested deeper than this are refused too (the first one found, with its path). */
  maxDepth?: number;
}

// Where the walk is: the key under the parent object, linked back to the root, so a path is built only for
// the one problem found, not for every value of every flush.
type Place = { parent: Place; key: string | number; depth: number } | null;

const pathOf = (place: Place): (string | number)[] => {
  const path: (string | number)[] = [];
  for (let at = place; at; at = at.parent) path.unshift(at.key);
  return path;
};

const NUL_IN_VALUE = 'must not contain NUL characters';
const NUL_IN_KEY = 'keys must not contain NUL characters';

/**
 * The first NUL in `value`, a string or arrays and plain objects of them (keys included; other objects such as
 * Dates hold no text), or the first key `refuseKey` refuses, depth-first in key order; null when there is none.
 */
export function findNul(
  value: unknown,
  { refuseKey, maxDepth = Number.POSITIVE_INFINITY }: FindNulOptions = {},
): TextProblem | null {
  // Most values a flush checks are scalars: no walk for them.
  if (typeof value === 'string') return value.includes(NUL) ? { path: [], message: NUL_IN_VALUE } : null;
  if (value === null || typeof value !== 'object') return null;
  // Pending entries, the next one last: an entry's subtree is walked before its next sibling.
  const pending: { parent: Place; key: string | number; value: unknown }[] = [];
  const seen = new Set<object>();
  let at: Place = null;
  let current: unknown = value;
  for (;;) {
    if (typeof current === 'string') {
      if (current.includes(NUL)) return { path: pathOf(at), message: NUL_IN_VALUE };
    } else if (current !== null && typeof current === 'object' && !(current instanceof Date) && !seen.has(current)) {
      if ((at?.depth ?? 0) >= maxDepth)
        return { path: pathOf(at), message: `must not nest deeper than ${maxDepth} levels` };
      seen.add(current);
      const entries: [string | number, unknown][] = Array.isArray(current)
        ? [...current.entries()]
        : Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i] as [string | number, unknown];
        pending.push({ parent: at, key, value: item });
      }
    }
    const next = pending.pop();
    if (!next) return null;
    if (typeof next.key === 'string') {
      const refused = refuseKey?.(next.key);
      if (refused) return { path: pathOf({ parent: next.parent, key: next.key, depth: 0 }), message: refused };
      if (next.key.includes(NUL)) return { path: pathOf(next.parent), message: NUL_IN_KEY };
    }
    at = { parent: next.parent, key: next.key, depth: (next.parent?.depth ?? 0) + 1 };
    current = next.value;
  }
}

/**
 * Throws the InvalidError for the first property of `values` that holds a NUL, or, among `jsonProperties`,
 * nests deeper than MAX_JSON_DEPTH.
 */
export function refuseNul(values: Record<string, unknown>, jsonProperties: ReadonlySet<string> = NONE): void {
  for (const [property, value] of Object.entries(values)) {
    const problem = findNul(value, jsonProperties.has(property) ? { maxDepth: MAX_JSON_DEPTH } : {});
    if (!problem) continue;
    const nul = problem.message === NUL_IN_VALUE || problem.message === NUL_IN_KEY;
    throw new InvalidError(`${property} ${nul ? NUL_IN_VALUE : problem.message}`, property);
  }
}
const NONE: ReadonlySet<string> = new Set();

/**
 * `refuseNul` for an entity written without a flush (a native insert): its text values, and its plain objects
 * and arrays as JSON values; references and collections are not its own columns.
 */
export function refuseNulIn(entity: object): void {
  const values: Record<string, unknown> = {};
  const json = new Set<string>();
  for (const [property, value] of Object.entries(entity)) {
    if (typeof value === 'string') values[property] = value;
    else if (
      typeof value === 'object' &&
      value !== null &&
      [Array.prototype, Object.prototype].includes(Object.getPrototypeOf(value))
    ) {
      values[property] = value;
      json.add(property);
    }
  }
  refuseNul(values, json);
}

/** Checks what every flush writes. Bulk writes that bypass the unit of work call `refuseNul` themselves. */
export class NulTextGuard implements EventSubscriber {
  onFlush({ uow }: FlushEventArgs): void {
    for (const { payload, entity, meta } of uow.getChangeSets()) {
      // A JSON property's payload is already serialized (a NUL is escaped there): check the value itself.
      const json = new Set(
        Object.keys(payload).filter((property) => meta.properties[property]?.customType instanceof JsonType),
      );
      const values = Object.fromEntries(
        Object.entries(payload).map(([property, value]) => [property, json.has(property) ? entity[property] : value]),
      );
      refuseNul(values, json);
    }
  }
}
