// Accounts and the money rules: who may move money where (docs/money.md). Customers never put money in:
// money enters an account only by an admin's top-up (with a reason) or as a payment or refund of an order;
// customers pay for orders and transfer from their own accounts. Every change is a ledger row (ledger.ts).
import { ConflictError, ForbiddenError, InvalidError } from '../../domain/errors.ts';
import { moneyColumns } from '../../domain/limits.ts';
import { parseMoney, toCents } from '../../domain/money.ts';
import { requireOwnUser, type Scope } from '../../domain/scope.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { Account, User } from '../../entities/index.ts';
import { retrying, unitOfWork } from '../unit-of-work.ts';
import { recordMovement, requireAmount, requireReason } from './ledger.ts';
import { type AccountView, findTransferByKey, getAccount, type TransferView } from './reads.ts';

/** Only an admin (or an operator's script) moves money into or out of the shop. */
function requireAdmin(scope: Scope, what: string): void {
  if (scope !== 'any') throw new ForbiddenError(`only an admin can ${what}`);
}

/**
 * Opens an account for `ownerId`. A user's own scope opens it empty; an opening deposit is an admin's top-up
 * (FORBIDDEN for anyone else, whoever the owner), recorded in the ledger like any other.
 */
export async function openAccount(
  em: EntityManager,
  ownerId: number,
  initialDeposit: string,
  scope: Scope,
): Promise<AccountView> {
  const opening = parseMoney(initialDeposit, moneyColumns.amount, 'initialDeposit');
  if (toCents(opening) !== 0n) requireAdmin(scope, 'open an account with a balance');
  requireOwnUser(scope, ownerId);
  return unitOfWork(em, async (tx) => {
    await tx.findOneOrFail(User, { id: ownerId }, { fields: ['id'] });
    const account = tx.create(Account, { owner: ownerId, balance: '0.00' });
    await tx.flush();
    if (toCents(opening) > 0n) {
      const top = { kind: 'top_up' as const, from: null, to: account.id, amount: opening, reason: 'opening deposit' };
      await recordMovement(tx, top, scope);
    }
    return getAccount(tx, account.id, scope);
  });
}

export interface AdminMovement {
  amount: string;
  /** Why: shown in the account's ledger (a refund by bank transfer, a correction, a gift card). */
  reason: string;
}

/** An admin's top-up: money from outside the shop into an account (FORBIDDEN for customers). */
export async function deposit(
  em: EntityManager,
  id: number,
  movement: AdminMovement,
  scope: Scope,
): Promise<AccountView> {
  requireAdmin(scope, 'top up an account');
  const amount = requireAmount(movement.amount);
  const reason = requireReason(movement.reason);
  return unitOfWork(em, async (tx) => {
    await recordMovement(tx, { kind: 'top_up', from: null, to: id, amount, reason }, scope);
    return getAccount(tx, id, scope);
  });
}

/** An admin's withdrawal or correction: money out of an account and out of the shop (FORBIDDEN for customers). */
export async function withdraw(
  em: EntityManager,
  id: number,
  movement: AdminMovement,
  scope: Scope,
): Promise<AccountView> {
  requireAdmin(scope, 'withdraw from an account');
  const amount = requireAmount(movement.amount);
  const reason = requireReason(movement.reason);
  return unitOfWork(em, async (tx) => {
    await recordMovement(tx, { kind: 'withdrawal', from: id, to: null, amount, reason }, scope);
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

/**
 * The transfer an earlier request with this key made from the same account; one from someone else's account
 * is not shown (and cannot collide: keys are unique per debited account).
 */
async function findReplay(
  em: EntityManager,
  request: TransferRequest,
  amount: string,
  scope: Scope,
): Promise<TransferResult | null> {
  if (!request.idempotencyKey) return null;
  const previous = await findTransferByKey(em, request.fromAccountId, request.idempotencyKey, scope);
  if (!previous) return null;
  const same =
    previous.kind === 'transfer' &&
    previous.toAccountId === request.toAccountId &&
    toCents(previous.amount) === toCents(amount);
  if (!same) throw new ConflictError('idempotencyKey was already used for a different transfer', 'idempotencyKey');
  return { transfer: previous, replayed: true };
}

/**
 * Moves `amount` from one of the caller's accounts (any account for an admin) to any existing account:
 * both sides and the ledger row, or nothing; a deadlock or serialization failure is retried with backoff.
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

  try {
    // The answer is the ledger row as its insert returned it (writeLedgerRow): no read after the commit.
    const transfer = await retrying(em, () =>
      unitOfWork(em, (tx) =>
        recordMovement(
          tx,
          {
            kind: 'transfer',
            from: request.fromAccountId,
            to: request.toAccountId,
            amount,
            idempotencyKey: request.idempotencyKey ?? null,
          },
          scope,
        ),
      ),
    );
    return { transfer, replayed: false };
  } catch (error) {
    // A concurrent request with the same idempotency key won the race: report its transfer.
    if (error instanceof ConflictError && error.field === 'idempotencyKey') {
      const winner = await findReplay(em, request, amount, scope);
      if (winner) return winner;
    }
    throw error;
  }
}
