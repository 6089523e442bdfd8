// Case-insensitive "contains" that treats % and _ literally and behaves the same on SQLite and PostgreSQL.
import { sql } from 'kysely';

/** Escapes LIKE wildcards; pair with ESCAPE '\'. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * lower(column) LIKE lower('%text%') ESCAPE '\'. lower() on both sides (instead of ILIKE) gives one
 * behaviour on both dialects for ASCII letters; SQLite's lower() folds ASCII only, so "É" matches "é" on
 * PostgreSQL but not on SQLite (ICU would be needed there).
 */
export const containsIgnoringCase = (column: string, text: string) =>
  sql<boolean>`lower(${sql.ref(column)}) like lower(${`%${escapeLike(text)}%`}) escape '\\'`;
