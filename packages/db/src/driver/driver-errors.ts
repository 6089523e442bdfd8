// The one place where driver exceptions become domain errors (the same on every dialect).
import {
  CheckConstraintViolationException,
  DriverException,
  ForeignKeyConstraintViolationException,
  NotNullConstraintViolationException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { ConflictError, DomainError, InvalidError } from '../domain/errors.ts';
import { entities } from '../entities/index.ts';
import type { EntityManager } from './orm.ts';

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/Id$/, '');

interface DriverDetails {
  message: string;
  detail?: string;
  constraint?: string;
  column?: string;
  table?: string;
  errno?: number;
}

/** A unique key's column from its name, `<table>_<column>_unique` (MikroORM's naming; MariaDB names keys only). */
function uniqueKeyColumn(key: string): string {
  const columns = key.replace(/_unique$/, '');
  const table = TABLES.filter((name) => columns.startsWith(`${name}_`)).sort((a, b) => b.length - a.length)[0];
  return table ? columns.slice(table.length + 1) : columns;
}
/** Every entity's table (the join table user_roles has no unique key of its own besides its primary key). */
const TABLES = entities.map((schema) => schema.meta.tableName);

/**
 * The column a constraint error is about: PostgreSQL's detail/column, SQLite's "failed: table.column", or
 * MariaDB's message ("Duplicate entry … for key 'users_email_unique'", "FOREIGN KEY (`owner_id`)",
 * "Column 'email' cannot be null").
 */
function violatedColumn(error: DriverDetails): string | undefined {
  const pgKey = /Key \(([^)]+)\)=/.exec(error.detail ?? '')?.[1];
  if (pgKey) return pgKey.split(',')[0]?.trim();
  if (error.column) return error.column;
  const sqlite = /constraint failed: \w+\.(\w+)/.exec(error.message)?.[1];
  if (sqlite) return sqlite;
  const duplicateKey = /Duplicate entry .* for key '(?:\w+\.)?(\w+)'/.exec(error.message)?.[1];
  if (duplicateKey) return uniqueKeyColumn(duplicateKey);
  return (
    /FOREIGN KEY \(`(\w+)`\)/.exec(error.message)?.[1] ??
    /Column '(\w+)' cannot be null/.exec(error.message)?.[1] ??
    /Field '(\w+)' doesn't have a default value/.exec(error.message)?.[1]
  );
}

function violatedCheck(error: DriverDetails): string {
  return (
    error.constraint ??
    /CHECK constraint failed: (\w+)/.exec(error.message)?.[1] ??
    /CONSTRAINT `(\w+)` failed/.exec(error.message)?.[1] ??
    'check'
  );
}

const INVALID_VALUE_STATES = new Set(['22003', '22007', '22008', '22021', '22P02', '22P05']);

/** Translates a driver exception into a DomainError; anything else is returned unchanged. */
export function toDomainError(error: unknown): unknown {
  if (error instanceof DomainError || !(error instanceof Error)) return error;
  // A value its column cannot hold, from MikroORM's driver exceptions and from the read paths' raw driver
  // errors alike: PostgreSQL's SQLSTATE class 22 (numeric or datetime overflow, malformed text or bytes),
  // MariaDB's 1264 (out of range, strict mode).
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if ((typeof code === 'string' && INVALID_VALUE_STATES.has(code)) || errno === 1264) {
    return new InvalidError('a value is out of range or not valid for its column');
  }
  if (!(error instanceof DriverException)) return error;
  const details = error as unknown as DriverDetails;
  if (error instanceof UniqueConstraintViolationException) {
    const field = camel(violatedColumn(details) ?? 'unknown');
    return new ConflictError(`${field} is already taken`, field);
  }
  if (error instanceof ForeignKeyConstraintViolationException) {
    const field = camel(violatedColumn(details) ?? 'reference');
    return new ConflictError(`a related row blocks this change or is missing (${field})`, field);
  }
  if (error instanceof NotNullConstraintViolationException) {
    const field = camel(violatedColumn(details) ?? 'unknown');
    return new InvalidError(`${field} is required`, field);
  }
  if (error instanceof CheckConstraintViolationException) {
    const check = violatedCheck(details);
    return new InvalidError(`the change violates ${check}`, check);
  }
  // MariaDB: "Field 'email' doesn't have a default value" is its not-null violation on insert.
  if (details.errno === 1364) {
    const field = camel(violatedColumn(details) ?? 'unknown');
    return new InvalidError(`${field} is required`, field);
  }
  return error;
}

/**
 * Runs `fn`, a statement sent through Kysely (whose errors are the driver's own), and rethrows its driver
 * errors as MikroORM's exceptions, the form `toDomainError` and the retry of deadlocks read.
 */
export async function withDriverExceptions<T>(em: EntityManager, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
    const fromDriver = typeof code === 'string' || typeof errno === 'number';
    throw fromDriver && !(error instanceof DriverException) ? em.getDriver().convertException(error as Error) : error;
  }
}

/** Runs fn and rethrows driver exceptions as domain errors. */
export async function translateErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toDomainError(error);
  }
}
