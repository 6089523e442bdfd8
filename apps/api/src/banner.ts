import { type DatabaseTarget, parseDatabaseUrl, redact } from '@shop/db';

/** One human line naming the database the API will use (password redacted). */
export function describeDatabase(target: DatabaseTarget): string {
  return target.dialect === 'sqlite' ? `SQLite ${target.file}` : `PostgreSQL ${redact(target.url)}`;
}

export function describeDatabaseUrl(url: string): string {
  return describeDatabase(parseDatabaseUrl(url));
}
