// Why a database could not be opened, as one line naming where and what to do: a server that does not answer,
// an unknown host, a refused user, a database that is missing and may not be created, an SQLite path that
// cannot be a database file. openOrm throws these; every process prints them after "cannot open <database>:".
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { type DatabaseTarget, DEFAULT_PORTS } from './database-url.ts';

export class DatabaseConnectionError extends Error {
  override name = 'DatabaseConnectionError';
}

const SERVER_NAMES = { postgresql: 'PostgreSQL', mariadb: 'MariaDB' } as const;

// PostgreSQL SQLSTATEs and MariaDB/MySQL error numbers.
const REFUSED_USER = new Set<unknown>(['28P01', '28000', 1045, 1698]);
const NO_DATABASE = new Set<unknown>(['3D000', '42501', 1049, 1044]);
const UNKNOWN_HOST = new Set<unknown>(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const NO_ROUTE = new Set<unknown>(['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
// A connection not ready within DB_CONNECT_TIMEOUT_MS: mysql2's ETIMEDOUT, pg's and pg-pool's messages.
const TIMED_OUT =
  /^(connect ETIMEDOUT|Connection terminated due to connection timeout|timeout exceeded when trying to connect)/;

// Errors that mean the server, or the connection to it, is gone: node's socket errors; PostgreSQL's SQLSTATE
// class 08 (connection exception) and 57P01–57P03 (shut down, crashed, not accepting connections); mysql2's
// lost connection and MariaDB's 1040 (too many connections), 1053 (shutting down), 1927 (connection killed).
const GONE_CODES = new Set<unknown>([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);
const GONE_ERRNOS = new Set<unknown>([1040, 1053, 1927]);
// pg's "Connection terminated unexpectedly", "… is not queryable", "connection error"; mysql2's
// "Can't add new command when connection is in closed state". Not pg-pool's "timeout exceeded when trying to
// connect": it also means every pooled connection was busy for that long (see isDatabaseUnavailable).
const GONE_MESSAGE = /connection terminated|not queryable|connection error|connection is in closed state/i;

/**
 * The one-line reason `error` (thrown while connecting to `target`, waiting at most `connectTimeoutMillis`)
 * stopped the database from opening.
 */
export function connectionProblem(error: unknown, target: DatabaseTarget, connectTimeoutMillis: number): string {
  const { code, errno, message } = (error ?? {}) as { code?: unknown; errno?: unknown; message?: string };
  const reason = (message ?? String(error)).split('\n')[0] ?? '';
  if (target.dialect === 'sqlite') return sqliteProblem(code, reason, target.file);

  const server = SERVER_NAMES[target.dialect];
  const url = new URL(target.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const at = `${host}:${url.port || DEFAULT_PORTS[target.dialect]}`;
  const user = url.username ? `user "${decodeURIComponent(url.username)}"` : 'the default user';
  if (code === 'ECONNREFUSED') return `nothing answers at ${at}: is ${server} running? Start it, or set DATABASE_URL`;
  if (UNKNOWN_HOST.has(code)) return `the host "${host}" is unknown (${code}): check the host in DATABASE_URL`;
  if (code === 'ETIMEDOUT' || TIMED_OUT.test(reason)) {
    const seconds = connectTimeoutMillis / 1000;
    return `no answer from ${at} within ${seconds} s (DB_CONNECT_TIMEOUT_MS): check the host and port in DATABASE_URL`;
  }
  if (NO_ROUTE.has(code)) return `no answer from ${at} (${code}): check the host and port in DATABASE_URL`;
  // MariaDB's 1044 is also "no rights on this existing database": the same fix.
  if (NO_DATABASE.has(code) || NO_DATABASE.has(errno)) {
    return (
      `${server} at ${at} has no database "${target.database}" that ${user} may use or create (${reason}): ` +
      'create it, grant the user access, or name another database in DATABASE_URL'
    );
  }
  if (REFUSED_USER.has(code) || REFUSED_USER.has(errno)) {
    return `${server} at ${at} refused ${user} (${reason}): check the user and password in DATABASE_URL`;
  }
  return `${server} at ${at} failed to connect (${reason}): is that port a ${server} server? check DATABASE_URL`;
}

function sqliteProblem(code: unknown, reason: string, file: string): string {
  const fix = 'set DATABASE_URL to a file path you can write';
  const folder = path.dirname(file);
  if (code === 'EEXIST' || code === 'ENOTDIR')
    return `cannot create the folder ${folder}: a file is in the way; ${fix}`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return `cannot create the folder ${folder} (${code}): ${fix}`;
  if (code === 'SQLITE_NOTADB') return `${file} is not an SQLite database: set DATABASE_URL to one, or to a new file`;
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory())
    return `${file} is a folder, not a database file: ${fix}`;
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    return `the folder ${folder} is not writable: ${fix}`;
  }
  return `SQLite cannot open ${file} (${reason}): ${fix}`;
}

/** The server, or the connection to it, is gone (this error, not its causes; PostgreSQL and MariaDB). */
export function isConnectionFailure(error: unknown): boolean {
  const { code, errno, message } = (error ?? {}) as { code?: unknown; errno?: unknown; message?: unknown };
  if (GONE_CODES.has(code) || GONE_ERRNOS.has(errno)) return true;
  if (typeof code === 'string' && /^08[0-9A-Z]{3}$/.test(code)) return true;
  return typeof message === 'string' && GONE_MESSAGE.test(message);
}

/**
 * The database cannot serve a call now, so a retry later may succeed: the server or the connection is gone,
 * or no connection was ready within DB_CONNECT_TIMEOUT_MS (on PostgreSQL also: every pooled one stayed busy
 * that long). Looks through `cause`s (MikroORM and tRPC wrap the driver's error).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (isConnectionFailure(current) || TIMED_OUT.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}
