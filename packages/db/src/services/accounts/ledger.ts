// The ledger's one way to change balances: `recordMovement` moves an amount between accounts (or into/out of
// one) with conditional UPDATEs in ascending id order and writes the ledger row in the same unit of work, so
// for every account balance == sum(money in) − sum(money out) of its rows, always.
// Balances change only through conditional UPDATEs (balance = balance ± amount WHERE balance >= amount), never
// by writing back a value read earlier, so concurrent movements cannot lose updates on PostgreSQL's READ
// COMMITTED nor on SQLite.
import { raw, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Insertable } from 'kysely';
import { InsufficientFundsError, InvalidError } from '../../domain/errors.ts';
import { moneyColumns, textLimits } from '../../domain/limits.ts';
import { fromCents, maxCents, parseMoney, toCents } from '../../domain/money.ts';
import { ownedBy, type Scope } from '../../domain/scope.ts';
import { withDriverExceptions } from '../../driver/driver-errors.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { kysely, paramEncoder, type ShopDB } from '../../driver/sql.ts';
import { refuseNul } from '../../driver/text-guard.ts';
import { Account, type LedgerKind } from '../../entities/index.ts';
import { getAccount, TRANSFER_COLUMNS, type TransferView, transferRowMapper } from './reads.ts';

/** A positive amount that fits the ledger's column. */
export function requireAmount(amount: string): string {
  const value = parseMoney(amount, moneyColumns.amount, 'amount');
  if (toCents(value) <= 0n) throw new InvalidError('amount must be greater than 0', 'amount');
  return value;
}

/** Why an admin moved money in or out: required, trimmed, within the column. */
export function requireReason(reason: string): string {
  const value = reason.trim();
  if (value === '') throw new InvalidError('a reason is required', 'reason');
  if (value.length > textLimits.ledgerReason) {
    throw new InvalidError(`reason must be at most ${textLimits.ledgerReason} characters`, 'reason');
  }
  return value;
}

/** The largest balance the column holds; SQLite would store more, PostgreSQL would refuse it. */
const MAX_BALANCE_CENTS = maxCents(moneyColumns.balance);

/**
 * balance = round(balance ± amount, 2), conditional on the result staying within 0..NUMERIC(12,2) and on
 * the account being within `scope`: SQLite stores NUMERIC as REAL (rounding keeps two places) and enforces
 * no precision, so the bound is explicit.
 */
async function applyDelta(em: EntityManager, id: number, amount: string, sign: 1 | -1, scope: Scope): Promise<void> {
  const headroom = fromCents(MAX_BALANCE_CENTS - toCents(amount));
  const where = {
    id,
    balance: sign < 0 ? { $gte: amount } : { $lte: headroom },
    ...ownedBy(scope, 'owner'),
  };
  const changed = await em.nativeUpdate(Account, where, {
    balance: raw(`round(balance ${sign < 0 ? '-' : '+'} ?, 2)`, [amount]),
    updatedAt: new Date(),
  });
  if (changed === 1) return;
  await getAccount(em, id, scope); // NotFound for an account missing or outside the scope
  if (sign < 0) throw new InsufficientFundsError(id, amount);
  throw new InvalidError(`the balance of account ${id} would exceed ${fromCents(MAX_BALANCE_CENTS)}`, 'amount');
}

export interface Movement {
  kind: LedgerKind;
  /** Debited account; null for a top-up (money from outside). */
  from: number | null;
  /** Credited account; null for a withdrawal (money leaving the shop). */
  to: number | null;
  amount: string;
  reason?: string | null;
  orderId?: number | null;
  idempotencyKey?: string | null;
}

/**
 * Debits and credits in ascending account id order, so concurrent movements lock in one global order and
 * form no deadlock cycle. Only the debited account must be within `scope` (money may go to anyone's); a
 * credited account must exist. Half of a movement: `writeLedgerRow` must follow in the same unit of work.
 */
export async function moveBalances(tx: EntityManager, movement: Movement, scope: Scope): Promise<void> {
  const legs = [
    ...(movement.from === null ? [] : [{ id: movement.from, sign: -1 as const, scope }]),
    ...(movement.to === null ? [] : [{ id: movement.to, sign: 1 as const, scope: 'any' as const }]),
  ].sort((a, b) => a.id - b.id);
  for (const leg of legs) await applyDelta(tx, leg.id, movement.amount, leg.sign, leg.scope);
}

/**
 * The ledger row of a movement whose balances `moveBalances` changed: one INSERT that returns the row as the
 * ledger's reads select it, mapped by their one mapper (rows are immutable: nothing for the unit of work to
 * track, and no second statement to read the answer).
 */
export async function writeLedgerRow(tx: EntityManager, movement: Movement): Promise<TransferView> {
  const reason = movement.reason ?? null;
  refuseNul({ reason });
  const param = paramEncoder(tx);
  const db = kysely(tx);
  // The id is the database's (autoincrement); the table type inferred from the entity requires one.
  const values: Omit<Insertable<ShopDB['transfers']>, 'id'> = {
    kind: movement.kind,
    from_account_id: movement.from,
    to_account_id: movement.to,
    amount: param.money(movement.amount) as string,
    reason,
    order_id: movement.orderId ?? null,
    idempotency_key: movement.idempotencyKey ?? null,
    created_at: param.date(new Date()) as Date,
  };
  const insert = db
    .insertInto('transfers')
    .values(values as Insertable<ShopDB['transfers']>)
    .returning([...TRANSFER_COLUMNS]);
  // A compiled query: Kysely's MySQL adapter would drop the RETURNING rows of `execute()`. Its driver errors
  // (a key already used) become MikroORM's exceptions, and so domain errors, like the unit of work's own.
  const { rows } = await withDriverExceptions(tx, () => db.executeQuery(insert.compile()));
  const [row] = rows;
  if (!row) throw new Error('the ledger insert returned no row');
  return transferRowMapper(tx)(row);
}

/** A whole movement (balances, then its ledger row); call inside a unit of work. */
export async function recordMovement(tx: EntityManager, movement: Movement, scope: Scope): Promise<TransferView> {
  await moveBalances(tx, movement, scope);
  return writeLedgerRow(tx, movement);
}

/** The shop's own account that payments go to and refunds come from. */
export const REVENUE = 'revenue';

/**
 * The revenue account's id, opened on first use. Call outside a unit of work: the insert commits on its own,
 * and a concurrent first use that loses the race (unique system key) reads the winner's row.
 */
export async function revenueAccountId(em: EntityManager): Promise<number> {
  const find = () => em.fork().findOne(Account, { systemKey: REVENUE }, { fields: ['id'] });
  const existing = await find();
  if (existing) return existing.id;
  try {
    const fork = em.fork();
    const account = fork.create(Account, { owner: null, systemKey: REVENUE, balance: '0.00' });
    await fork.flush();
    return account.id;
  } catch (error) {
    const winner = error instanceof UniqueConstraintViolationException ? await find() : null;
    if (winner) return winner.id;
    throw error;
  }
}
