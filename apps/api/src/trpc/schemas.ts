// Input building blocks shared by the routers; lengths and money digits come from the column definitions.
import {
  MAX_ID,
  MAX_PER_PAGE,
  type MoneyColumn,
  moneyColumns,
  moneyFormHint,
  moneyPattern,
  passwordLimits,
  textLimits,
} from '@shop/db';
import { z } from 'zod';

/** Row ids: positive, and within the INTEGER columns, so no id reaches SQL as an overflow. */
export const id = z.int().positive().max(MAX_ID);

/**
 * Every text input: no NUL character. PostgreSQL refuses it in text and JSON, and SQLite would end the
 * statement at it (MikroORM writes values into the SQL text), so it is a 400 here, before any SQL.
 */
export const text = () => z.string().refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');
export const idInput = z.object({ id });

export const username = text().trim().min(1).max(textLimits.username).meta({ example: 'ann' });
export const email = z.email().max(textLimits.email).meta({ example: 'ann@example.com' }); // cannot hold a NUL
export const password = text()
  .min(passwordLimits.min)
  .max(passwordLimits.max)
  .meta({ example: 'correct-horse-battery' });
/** A name column (categories, roles, products): trimmed, not empty, within the column. */
export const name = (length: number) => text().trim().min(1).max(length);
export const longText = text().max(textLimits.text);
/** Dates a person could mean (PostgreSQL refuses years before 4713 BC; MariaDB before 1000). */
export const date = z.date().min(new Date('1000-01-01T00:00:00Z')).max(new Date('9999-12-31T23:59:59Z'));

/**
 * The JSON Schema `format` that marks money inputs. tRPC takes money as a decimal string only; the REST routes
 * also take a JSON number with at most two decimals there (http/rest-input.ts), and their document says so.
 */
export const MONEY_FORMAT = 'decimal';

/** Money in: exactly the form @shop/db accepts (no trimming, no other notations), within its column. */
const money = (column: MoneyColumn) =>
  z.string().regex(moneyPattern(column), moneyFormHint(column)).meta({ example: '12.50', format: MONEY_FORMAT });
/** Whether an input schema (without its optional/default wrappers) is one of the money inputs below. */
export const isMoney = (schema: z.ZodType) => z.globalRegistry.get(schema)?.format === MONEY_FORMAT;
export const price = money(moneyColumns.price);
export const amount = money(moneyColumns.amount).refine((value) => /[1-9]/.test(value), 'must be greater than 0');
export const openingBalance = money(moneyColumns.balance);

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/**
 * Any JSON value: zod's own `z.json()`, but named, so the OpenAPI document lists it as `JsonValue` (the
 * generator names an anonymous recursive schema `__schema0`).
 */
export const jsonValue: z.ZodType<JsonValue> = z
  .lazy(() =>
    z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
  )
  .meta({ id: 'JsonValue', description: 'any JSON value' });

export const pageInput = z.object({
  page: z.int().min(1).max(100_000).default(1),
  perPage: z.int().min(1).max(MAX_PER_PAGE).default(20),
});

/**
 * Idempotency keys are unique across all transfers: at least 8 characters, so two clients' keys do not collide
 * by accident (a UUID has 36), and within the column.
 */
export const IDEMPOTENCY_KEY_MIN = 8;
export const idempotencyKey = text().trim().min(IDEMPOTENCY_KEY_MIN).max(textLimits.idempotencyKey);

/** Bulk operations are bounded so one request cannot monopolise the database. */
export const MAX_BATCH = 100;
