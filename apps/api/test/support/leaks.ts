// What no error answer may contain: stack traces, SQL and schema internals, JavaScript engine text.

/** Stack traces and source locations. */
export const STACK_LEAKS: RegExp[] = [
  /\n\s*at\s/,
  / {4}at\s/,
  /\bat (async )?[\w$.<>]+ \(/,
  /\.(ts|js|mjs|cjs):\d+/,
  /node_modules/,
  /file:\/\//,
  /\/work\//,
];

/** SQL text, driver messages, and schema internals (constraint and index names). */
export const SQL_LEAKS: RegExp[] = [
  /\b(select|insert|update|delete)\b[\s\S]{0,300}?\b(from|into|set|where)\b/i,
  /SQLITE_[A-Z]/,
  /syntax error/i,
  /constraint failed/i,
  /violates [\w -]*constraint/i,
  /duplicate key value/i,
  /null value in column/i,
  /invalid input syntax/i,
  /invalid byte sequence/i,
  /unsupported Unicode escape sequence/i,
  /relation "[^"]*"/i,
  /column "[^"]*"/i,
  /out of range for type/i,
  /value too long for type/i,
  /numeric field overflow/i,
  /\b[a-z]+(_[a-z]+)*_(pkey|fkey|key|check|unique)\b/,
  /\bidx_\w+/,
  /\b\w*(Driver|ConstraintViolation|QueryFailed|DatabaseError)\w*(Exception|Error)\b/,
];

/**
 * JavaScript engine text: a TypeError or RangeError of the server's own code or of a library, passed on
 * instead of a message in the API's words.
 */
export const ENGINE_LEAKS: RegExp[] = [
  /Maximum call stack/i,
  /Cannot (read|set|destructure|convert|access)\b/,
  /is not (iterable|a function|a constructor|defined)\b/,
  /of undefined|of null\b/,
  /to a BigInt/,
  /Unknown transformation/i,
  /\[object Object\]/,
  /Unexpected token|in JSON at position/,
];
