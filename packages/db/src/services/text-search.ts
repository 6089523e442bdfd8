// Case-insensitive "contains" that treats % and _ literally and behaves the same on SQLite and PostgreSQL.
import { raw } from '@mikro-orm/core';

/** Escapes LIKE wildcards; pair with ESCAPE '\'. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A where-condition fragment: lower(column) LIKE lower(%text%) ESCAPE '\'. lower() on both sides (instead
 * of ILIKE) gives one behaviour on both dialects for ASCII letters; SQLite's lower() folds ASCII only, so
 * "É" matches "é" on PostgreSQL but not on SQLite (ICU would be needed there).
 */
export function containsIgnoringCase(column: string, text: string) {
  // Qualified with the root alias: the query may join tables with a column of the same name.
  return raw((alias) => `lower(${alias}.${column}) like lower(?) escape '\\'`, [`%${escapeLike(text)}%`]);
}
