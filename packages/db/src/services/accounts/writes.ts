// Accounts and funds transfers. Balances change only through conditional UPDATEs
// (balance = balance ± amount WHERE balance >= amount), never by writing back a value read earlier, so
// concurrent transfers cannot lose updates on PostgreSQL's READ COMMITTED nor on SQLite.
import { raw } from '@mikro-orm/core';
import { ConflictError, ForbiddenError, InsufficientFundsError, InvalidError } from '../../domain/errors.ts';
import { moneyColumns } from '../../domain/limits.ts';
import { fromCents, maxCents, parseMoney, toCents } from '../../domain/money.ts';
import { ownedBy, requireOwnUser, type Scope } from '../../domain/scope.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { Account, Transfer, User } from '../../entities/index.ts';
import { retrying, unitOfWork } from '../unit-of-work.ts';
import { type AccountView, findTransferByKey, getAccount, getTransfer, type TransferView } from './reads.ts';

/** A positive amount that fits the ledger's column (an opening balance may be zero). */
function requireAmount(amount: string, { allowZero = false } = {}): string {
  const value = parseMoney(amount, moneyColumns.amount, 'amount');
  if (!allowZero && toCents(value) <= 0n) throw new InvalidError('amount must be greater than 0', 'amount');
  return value;
}

/**
 * Opens an account for `ownerId`. Money enters only through an admin: a user's own scope opens it empty
 * (FORBIDDEN otherwise, whoever the owner).
 */
export async function openAccount(
  em: EntityManager,
  ownerId: number,
  initialDeposit: string,
  scope: Scope,
): Promise<AccountView> {
  const balance = requireAmount(initialDeposit, { allowZero: true });
  if (scope !== 'any' && toCents(balance) !== 0n) {
    throw new ForbiddenError('only an admin can open an account with a balance');
  }
  requireOwnUser(scope, ownerId);
  return unitOfWork(em, async (tx) => {
    await tx.findOneOrFail(User, { id: ownerId }, { fields: ['id'] });
    const account = tx.create(Account, { owner: ownerId, balance });
    await tx.flush();
    return getAccount(tx, account.id, scope);
  });
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

export async function deposit(em: EntityManager, id: number, amount: string, scope: Scope): Promise<AccountView> {
  const value = requireAmount(amount);
  return unitOfWork(em, async (tx) => {
    await applyDelta(tx, id, value, 1, scope);
    return getAccount(tx, id, scope);
  });
}

export async function withdraw(em: EntityManager, id: number, amount: string, scope: Scope): Promise<AccountView> {
  const value = requireAmount(amount);
  return unitOfWork(em, async (tx) => {
    await applyDelta(tx, id, value, -1, scope);
    return getAccount(tx, id, scope);
  });
}

export interface TransferRequest {
  fromAccountId: number;
  toAccountId: number;
  amount: string;
  /** Same key, same transfer: a retry returns the original ledger row instead of moving money twice. */
  idempotencyKey?: string;
}

export interface TransferResult {
  transfer: TransferView;
  /** true when the idempotency key had already been used and nothing moved this time. */
  replayed: boolean;
}

/** The transfer an earlier request with this key made; one from someone else's account is not shown. */
async function findReplay(
  em: EntityManager,
  request: TransferRequest,
  amount: string,
  scope: Scope,
): Promise<TransferResult | null> {
  if (!request.idempotencyKey) return null;
  const previous = await findTransferByKey(em, request.idempotencyKey, scope);
  if (!previous) return null;
  const same =
    previous.fromAccountId === request.fromAccountId &&
    previous.toAccountId === request.toAccountId &&
    toCents(previous.amount) === toCents(amount);
  if (!same) throw new ConflictError('idempotencyKey was already used for a different transfer', 'idempotencyKey');
  return { transfer: previous, replayed: true };
}

/**
 * Moves `amount` between two accounts: both sides and the ledger row, or nothing. Rows are updated in
 * ascending id order so concurrent transfers lock in one global order (no deadlock cycles); a deadlock or
 * serialization failure the database still reports is retried with backoff.
 */
export async function transferFunds(
  em: EntityManager,
  request: TransferRequest,
  scope: Scope,
): Promise<TransferResult> {
  const amount = requireAmount(request.amount);
  if (request.fromAccountId === request.toAccountId) {
    throw new InvalidError('cannot transfer to the same account', 'toAccountId');
  }
  const replay = await findReplay(em, request, amount, scope);
  if (replay) return replay;

  return retrying(em, async () => {
    try {
      return await unitOfWork(em, async (tx) => {
        const legs = [
          { id: request.fromAccountId, sign: -1 as const },
          { id: request.toAccountId, sign: 1 as const },
        ].sort((a, b) => a.id - b.id);
        // Only the debited account must be the caller's; money may go to anyone's.
        for (const leg of legs) await applyDelta(tx, leg.id, amount, leg.sign, leg.sign < 0 ? scope : 'any');
        const transfer = tx.create(Transfer, {
          fromAccount: request.fromAccountId,
          toAccount: request.toAccountId,
          amount,
          idempotencyKey: request.idempotencyKey ?? null,
        });
        await tx.flush();
        return { transfer: await getTransfer(tx, transfer.id, scope), replayed: false };
      });
    } catch (error) {
      // A concurrent request with the same idempotency key won the race: report its transfer.
      if (error instanceof ConflictError && error.field === 'idempotencyKey') {
        const winner = await findReplay(em, request, amount, scope);
        if (winner) return winner;
      }
      throw error;
    }
  });
}
