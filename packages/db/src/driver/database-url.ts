// DATABASE_URL in its accepted forms (sqlite:///…, postgresql://…, mysql://…), parsed into one typed target.
import path from 'node:path';

export type DatabaseTarget =
  | { dialect: 'sqlite'; file: string } // file is ':memory:' or an absolute path
  | { dialect: 'postgresql'; url: string; database: string }
  | { dialect: 'mariadb'; url: string; database: string }; // MariaDB, or MySQL through the same driver

/** The port a server URL without one reaches (the drivers' defaults). */
export const DEFAULT_PORTS = { postgresql: 5432, mariadb: 3306 } as const;

export const ACCEPTED_FORMS =
  'sqlite:///relative.db, sqlite:////abs/path.db, sqlite:///:memory:, a plain file path (./data/app.db), ' +
  'postgresql://user:pass@host:port/db (postgres:// too), or mysql://user:pass@host:port/db (mariadb:// too)';

export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
}

/** How a URL's problems are worded: the variable (or list entry) it came from and the forms to suggest. */
export interface UrlSource {
  variable: string;
  accepted: string;
}

const DATABASE_URL_SOURCE: UrlSource = { variable: 'DATABASE_URL', accepted: ACCEPTED_FORMS };

/** Hides the password of a URL so it can appear in logs and error messages. */
export function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/** Parses DATABASE_URL (or the URL `source` names); relative SQLite paths resolve against `cwd`. */
export function parseDatabaseUrl(raw: string, cwd = process.cwd(), source = DATABASE_URL_SOURCE): DatabaseTarget {
  const reject = (url: string, why: string): never => {
    throw new DatabaseUrlError(`${source.variable} "${redact(url)}" ${why}; use ${source.accepted}`);
  };
  const url = raw.trim();
  if (url === '') return reject(raw, 'is empty');

  if (/^sqlite:/i.test(url)) {
    // Three slashes, then the path: sqlite:///relative.db → "relative.db"; a fourth makes it absolute,
    // sqlite:////abs.db → "/abs.db"
    const match = /^sqlite:\/\/\/(.+)$/i.exec(url);
    if (!match?.[1]) return reject(raw, 'is not a valid SQLite URL');
    const file = match[1];
    if (file === ':memory:') return { dialect: 'sqlite', file };
    return { dialect: 'sqlite', file: path.resolve(cwd, file) };
  }

  const server = /^(postgres(?:ql)?|mysql|mariadb):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (server) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return reject(raw, 'is not a valid URL');
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!parsed.hostname) return reject(raw, 'has no host');
    if (!database || database.includes('/')) return reject(raw, 'names no database');
    if (server.startsWith('postgres')) {
      return { dialect: 'postgresql', url: url.replace(/^postgres(ql)?:/i, 'postgresql:'), database };
    }
    return { dialect: 'mariadb', url: url.replace(/^(mysql|mariadb):/i, 'mysql:'), database };
  }

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return reject(raw, 'uses an unsupported scheme');
  if (url === ':memory:') return { dialect: 'sqlite', file: url };
  return { dialect: 'sqlite', file: path.resolve(cwd, url) };
}

/** One human line naming a database target, password redacted. */
export function describeTarget(target: DatabaseTarget): string {
  if (target.dialect === 'sqlite') return `SQLite ${target.file}`;
  return `${target.dialect === 'postgresql' ? 'PostgreSQL' : 'MariaDB'} ${redact(target.url)}`;
}
