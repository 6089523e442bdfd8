// Accounts and funds transfers. Balances change only through conditional UPDATEs
// (balance = balance ± amount WHERE balance >= amount), never by writing back a value read earlier, so
// concurrent transfers cannot lose updates on PostgreSQL's READ COMMITTED nor on SQLite.
import { raw } from '@mikro-orm/core';
import type { ExpressionBuilder } from 'kysely';
import { ConflictError, InsufficientFundsError, InvalidError } from '../../domain/errors.ts';
import { moneyColumns } from '../../domain/limits.ts';
import { formatMoney, fromCents, maxCents, parseMoney, toCents } from '../../domain/money.ts';
import { ownedBy, requireOwnUser, type Scope } from '../../domain/scope.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { kysely, moneySum, type RowOf, rowDecoder, type ShopDB } from '../../driver/sql.ts';
import { Account, type IAccount, type ITransfer, Transfer, User } from '../../entities/index.ts';
import { foundOrFail } from '../not-found.ts';
import { cappedCount, type Page, type PageRequest, pageWindow, toPage } from '../pagination.ts';
import { retryingDeadlocks, unitOfWork } from '../unit-of-work.ts';

export interface AccountView {
  id: number;
  ownerId: number;
  balance: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface TransferView {
  id: number;
  fromAccountId: number;
  toAccountId: number;
  amount: string;
  idempotencyKey: string | null;
  createdAt: Date;
}

const toAccountView = (a: IAccount): AccountView => ({
  id: a.id,
  ownerId: a.owner.id,
  balance: formatMoney(a.balance),
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
});

const toTransferView = (t: ITransfer): TransferView => ({
  id: t.id,
  fromAccountId: t.fromAccount.id,
  toAccountId: t.toAccount.id,
  amount: formatMoney(t.amount),
  idempotencyKey: t.idempotencyKey ?? null,
  createdAt: t.createdAt,
});

/** A positive amount that fits the ledger's column (an opening balance may be zero). */
function requireAmount(amount: string, { allowZero = false } = {}): string {
  const value = parseMoney(amount, moneyColumns.amount, 'amount');
  if (!allowZero && toCents(value) <= 0n) throw new InvalidError('amount must be greater than 0', 'amount');
  return value;
}

const requireAccount = (em: EntityManager, id: number, scope: Scope, refresh = false): Promise<IAccount> =>
  em.findOneOrFail(Account, { id, ...ownedBy(scope, 'owner') }, { refresh });

export async function openAccount(
  em: EntityManager,
  ownerId: number,
  initialDeposit: string,
  scope: Scope,
): Promise<AccountView> {
  requireOwnUser(scope, ownerId);
  const balance = requireAmount(initialDeposit, { allowZero: true });
  return unitOfWork(em, async (tx) => {
    await tx.findOneOrFail(User, { id: ownerId }, { fields: ['id'] });
    const account = tx.create(Account, { owner: ownerId, balance });
    await tx.flush();
    return toAccountView(account);
  });
}

const selectAccounts = (em: EntityManager) =>
  kysely(em).selectFrom('accounts').select(['id', 'owner_id', 'balance', 'created_at', 'updated_at']);

type AccountRow = RowOf<typeof selectAccounts>;

function accountRowMapper(em: EntityManager): (row: AccountRow) => AccountView {
  const decode = rowDecoder(em);
  return (row) => ({
    id: row.id,
    ownerId: row.owner_id,
    balance: decode.money(row.balance),
    createdAt: decode.date(row.created_at),
    updatedAt: decode.date(row.updated_at),
  });
}

export async function getAccount(em: EntityManager, id: number, scope: Scope): Promise<AccountView> {
  const query = selectAccounts(em)
    .where('id', '=', id)
    .where((eb) => eb.and(ownedBy(scope, 'owner_id')));
  const row = foundOrFail(await query.executeTakeFirst(), 'account', id);
  return accountRowMapper(em)(row);
}

export async function listAccountsForUser(em: EntityManager, ownerId: number, scope: Scope): Promise<AccountView[]> {
  requireOwnUser(scope, ownerId);
  const rows = await selectAccounts(em).where('owner_id', '=', ownerId).orderBy('id', 'asc').execute();
  return rows.map(accountRowMapper(em));
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
  await requireAccount(em, id, scope);
  if (sign < 0) throw new InsufficientFundsError(id, amount);
  throw new InvalidError(`the balance of account ${id} would exceed ${fromCents(MAX_BALANCE_CENTS)}`, 'amount');
}

export async function deposit(em: EntityManager, id: number, amount: string, scope: Scope): Promise<AccountView> {
  const value = requireAmount(amount);
  return unitOfWork(em, async (tx) => {
    await applyDelta(tx, id, value, 1, scope);
    return toAccountView(await requireAccount(tx, id, 'any', true));
  });
}

export async function withdraw(em: EntityManager, id: number, amount: string, scope: Scope): Promise<AccountView> {
  const value = requireAmount(amount);
  return unitOfWork(em, async (tx) => {
    await applyDelta(tx, id, value, -1, scope);
    return toAccountView(await requireAccount(tx, id, 'any', true));
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
  const previous = await em.fork().findOne(Transfer, {
    idempotencyKey: request.idempotencyKey,
    ...(scope === 'any' ? {} : { fromAccount: ownedBy(scope, 'owner') }),
  });
  if (!previous) return null;
  const same =
    previous.fromAccount.id === request.fromAccountId &&
    previous.toAccount.id === request.toAccountId &&
    toCents(formatMoney(previous.amount)) === toCents(amount);
  if (!same) throw new ConflictError('idempotencyKey was already used for a different transfer', 'idempotencyKey');
  return { transfer: toTransferView(previous), replayed: true };
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

  return retryingDeadlocks(em, async () => {
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
        return { transfer: toTransferView(transfer), replayed: false };
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

/**
 * An account's ledger, newest first: transfers from or to it, with the capped total in the same statement.
 * A ledger row proves its account exists (foreign keys), so only an empty page asks whether it does.
 */
export async function listTransfers(
  em: EntityManager,
  accountId: number,
  request: PageRequest,
  scope: Scope,
): Promise<Page<TransferView>> {
  const window = pageWindow(request);
  const visible = () =>
    kysely(em)
      .selectFrom('accounts')
      .select('id')
      .where('id', '=', accountId)
      .where((eb) => eb.and(ownedBy(scope, 'owner_id')));
  const ofAccount = (eb: ExpressionBuilder<ShopDB & { t: ShopDB['transfers'] }, 't'>) => {
    const rows = eb.or([eb('t.from_account_id', '=', accountId), eb('t.to_account_id', '=', accountId)]);
    // An uncorrelated subquery, evaluated once per statement: the page and its ownership check in one trip.
    return scope === 'any' ? rows : eb.and([rows, eb.exists(visible())]);
  };
  const count = cappedCount(
    kysely(em),
    kysely(em).selectFrom('transfers as t').select('t.id').where(ofAccount),
    window,
  );
  const rows = await kysely(em)
    .selectFrom('transfers as t')
    .select(['t.id', 't.from_account_id', 't.to_account_id', 't.amount', 't.idempotency_key', 't.created_at'])
    .select(count.as('total'))
    .where(ofAccount)
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id', 'desc')
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  let counted = rows[0]?.total;
  if (counted === undefined) {
    // No row to carry the total: the account may be unknown, or the page past the end (count on its own).
    const empty = await kysely(em)
      .selectNoFrom(() => [visible().as('known'), count.as('total')])
      .executeTakeFirstOrThrow();
    foundOrFail(empty.known, 'account', accountId);
    counted = empty.total;
  }
  const decode = rowDecoder(em);
  const items = rows.map((row) => ({
    id: row.id,
    fromAccountId: row.from_account_id,
    toAccountId: row.to_account_id,
    amount: decode.money(row.amount),
    idempotencyKey: row.idempotency_key ?? null,
    createdAt: decode.date(row.created_at),
  }));
  return toPage(items, Number(counted), window);
}

/** Sum of all balances, exact (the invariant transfers must preserve): one aggregate, rounded in SQL. */
export async function totalBalance(em: EntityManager): Promise<string> {
  const row = await kysely(em)
    .selectFrom('accounts')
    .select((eb) => moneySum(eb.ref('balance')).as('total'))
    .executeTakeFirstOrThrow();
  return row.total === null ? '0.00' : rowDecoder(em).money(row.total);
}
