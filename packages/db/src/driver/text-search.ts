// Case-insensitive "contains" that treats % and _ literally and behaves the same on every dialect.
import { sql } from 'kysely';

/**
 * Escapes LIKE wildcards with "!", paired with ESCAPE '!': a backslash would need writing differently in
 * MariaDB's string literals (where it is itself an escape) than in SQLite's and PostgreSQL's.
 */
export const escapeLike = (text: string) => text.replace(/[!%_]/g, (c) => `!${c}`);

/**
 * lower(column) LIKE lower('%text%') ESCAPE '!'. lower() on both sides (instead of ILIKE) gives one
 * behaviour on every dialect for ASCII letters; SQLite's lower() folds ASCII only, so "É" matches "é" on
 * PostgreSQL and MariaDB but not on SQLite (ICU would be needed there).
 */
export const containsIgnoringCase = (column: string, text: string) => lowerLike(column, containsPattern(text));

/** The LIKE pattern of "contains `text`", wildcards escaped: the value `lowerLike` binds. */
export const containsPattern = (text: string) => `%${escapeLike(text)}%`;

/** lower(column) LIKE lower(pattern) ESCAPE '!', the pattern bound as a parameter (a prepared query's value). */
export const lowerLike = (column: string, pattern: string) =>
  sql<boolean>`lower(${sql.ref(column)}) like lower(${pattern}) escape '!'`;
