// One rule for a character the dialects treat three ways: NUL. PostgreSQL refuses it in text and JSON, MariaDB
// stores it, and SQLite ends the statement where MikroORM writes the value into the SQL text. Every entity write
// passes this check when the unit of work flushes, so a NUL anywhere in a string or JSON value (keys included)
// is an InvalidError naming the property, on every dialect, before any statement is sent.
import { type EventSubscriber, type FlushEventArgs, JsonType } from '@mikro-orm/core';
import { InvalidError } from '../domain/errors.ts';

const NUL = '\u0000';

/** Whether a string, or any key or string inside an array or plain object, holds a NUL. */
export function holdsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  const seen = new Set<object>();
  while (pending.length) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (next.includes(NUL)) return true;
      continue;
    }
    if (next === null || typeof next !== 'object' || next instanceof Date || seen.has(next)) continue;
    seen.add(next);
    if (Array.isArray(next)) pending.push(...next);
    else
      for (const [key, item] of Object.entries(next)) {
        if (key.includes(NUL)) return true;
        pending.push(item);
      }
  }
  return false;
}

/** Throws the InvalidError for the first property of `values` that holds a NUL. */
export function refuseNul(values: Record<string, unknown>): void {
  for (const [property, value] of Object.entries(values)) {
    if (holdsNul(value)) throw new InvalidError(`${property} must not contain NUL characters`, property);
  }
}

/** Checks what every flush writes. Bulk writes that bypass the unit of work call `refuseNul` themselves. */
export class NulTextGuard implements EventSubscriber {
  onFlush({ uow }: FlushEventArgs): void {
    for (const { payload, entity, meta } of uow.getChangeSets()) {
      // A JSON property's payload is already serialized (a NUL is escaped there): check the value itself.
      const values = Object.fromEntries(
        Object.entries(payload).map(([property, value]) => [
          property,
          meta.properties[property]?.customType instanceof JsonType ? entity[property] : value,
        ]),
      );
      refuseNul(values);
    }
  }
}
