// Input limits, read from the entity definitions where a column sets them, so the API's validation and the
// columns cannot drift.
import type { EntitySchema } from '@mikro-orm/core';
import { Account, Category, Product, Role, Transfer, User, UserProfile } from '../entities/index.ts';
import type { MoneyColumn } from './money.ts';

type Property = { length?: number; precision?: number; scale?: number };
// biome-ignore lint/suspicious/noExplicitAny: any entity schema; only its column metadata is read
const property = (schema: EntitySchema<any>, name: string): Property => {
  const found = schema.meta.properties[name] as Property | undefined;
  if (!found) throw new Error(`${schema.meta.className} has no property ${name}`);
  return found;
};
// biome-ignore lint/suspicious/noExplicitAny: as above
const lengthOf = (schema: EntitySchema<any>, name: string): number => {
  const { length } = property(schema, name);
  if (!length) throw new Error(`${schema.meta.className}.${name} has no length`);
  return length;
};
// biome-ignore lint/suspicious/noExplicitAny: as above
const moneyOf = (schema: EntitySchema<any>, name: string): MoneyColumn => {
  const { precision, scale } = property(schema, name);
  if (!precision || !scale) throw new Error(`${schema.meta.className}.${name} is not a NUMERIC(p, s)`);
  return { precision, scale };
};

/** VARCHAR(n) columns that take user input. */
export const textLimits = {
  username: lengthOf(User, 'username'),
  email: lengthOf(User, 'email'),
  roleName: lengthOf(Role, 'name'),
  categoryName: lengthOf(Category, 'name'),
  productName: lengthOf(Product, 'name'),
  personName: lengthOf(UserProfile, 'firstName'),
  idempotencyKey: lengthOf(Transfer, 'idempotencyKey'),
  ledgerReason: lengthOf(Transfer, 'reason'),
  /** TEXT columns (descriptions, bios) have no length; the API caps them at this many characters. */
  text: 10_000,
} as const;

/**
 * The deepest nesting of a JSON column's value (product metadata), on every dialect: MariaDB's JSON_VALID
 * check refuses 32 levels and more, PostgreSQL and SQLite would store any depth.
 */
export const MAX_JSON_DEPTH = 16;

/** The largest id the INTEGER primary and foreign keys hold (2^31 − 1): a larger one never reaches SQL. */
export const MAX_ID = 2_147_483_647;

/**
 * The longest keyset cursor taken back (`after`, listProductsByCursor's nextCursor), and so the longest sort key
 * one can carry: base64url JSON of a sort key (a product name is the longest) and an id, so a real one is shorter.
 */
export const MAX_CURSOR_LENGTH = 1000;

/** The NUMERIC(p, 2) columns that hold money. */
export const moneyColumns = {
  price: moneyOf(Product, 'price'),
  balance: moneyOf(Account, 'balance'),
  amount: moneyOf(Transfer, 'amount'),
} as const;
