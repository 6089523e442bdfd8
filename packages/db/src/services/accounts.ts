// Accounts and funds transfers. Balances change only through conditional UPDATEs
// (balance = balance ± amount WHERE balance >= amount), never by writing back a value read earlier, so
// concurrent transfers cannot lose updates on PostgreSQL's READ COMMITTED nor on SQLite.
import { DeadlockException, LockWaitTimeoutException, raw } from '@mikro-orm/core';
import type { ExpressionBuilder } from 'kysely';
import { Account, type IAccount, type ITransfer, Transfer, User } from '../entities/index.ts';
import { ConflictError, InsufficientFundsError, InvalidError, NotFoundError, translateErrors } from '../errors.ts';
import { formatMoney, toCents } from '../money.ts';
import type { EntityManager } from '../orm.ts';
import { cappedCount, type Page, type PageRequest, pageWindow, toPage } from './pagination.ts';
import { type RowOf, reader, rowDecoder, type ShopDB } from './read-model.ts';

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

const AMOUNT = /^\d{1,10}(\.\d{1,2})?$/;

/** A positive decimal string with at most two places that fits NUMERIC(12,2). */
function requireAmount(amount: string, { allowZero = false } = {}): string {
  if (!AMOUNT.test(amount))
    throw new InvalidError(`amount "${amount}" must be a decimal with at most 2 places`, 'amount');
  if (!allowZero && toCents(amount) <= 0n) throw new InvalidError('amount must be greater than 0', 'amount');
  return formatMoney(amount);
}

async function requireAccount(em: EntityManager, id: number, refresh = false): Promise<IAccount> {
  const account = await em.findOne(Account, { id }, { refresh });
  if (!account) throw new NotFoundError('account', id);
  return account;
}

export async function openAccount(em: EntityManager, ownerId: number, initialDeposit = '0'): Promise<AccountView> {
  const balance = requireAmount(initialDeposit, { allowZero: true });
  return translateErrors(() =>
    em.transactional(async (tx) => {
      if ((await tx.count(User, { id: ownerId })) === 0) throw new NotFoundError('user', ownerId);
      const account = tx.create(Account, { owner: ownerId, balance });
      await tx.flush();
      return toAccountView(account);
    }),
  );
}

const selectAccounts = (em: EntityManager) =>
  reader(em).selectFrom('accounts').select(['id', 'owner_id', 'balance', 'created_at', 'updated_at']);

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

export async function getAccount(em: EntityManager, id: number): Promise<AccountView> {
  const row = await selectAccounts(em).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('account', id);
  return accountRowMapper(em)(row);
}

export async function listAccountsForUser(em: EntityManager, ownerId: number): Promise<AccountView[]> {
  const rows = await selectAccounts(em).where('owner_id', '=', ownerId).orderBy('id', 'asc').execute();
  return rows.map(accountRowMapper(em));
}

/** The largest NUMERIC(12,2) value; SQLite would store more, PostgreSQL would refuse it. */
const MAX_BALANCE_CENTS = 999_999_999_999n;
const fromCents = (cents: bigint) => {
  const text = cents.toString().padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`;
};

/**
 * balance = round(balance ± amount, 2), conditional on the result staying within 0..NUMERIC(12,2): SQLite
 * stores NUMERIC as REAL (rounding keeps two places) and enforces no precision, so the bound is explicit.
 */
async function applyDelta(em: EntityManager, id: number, amount: string, sign: 1 | -1): Promise<void> {
  const headroom = fromCents(MAX_BALANCE_CENTS - toCents(amount));
  const where = sign < 0 ? { id, balance: { $gte: amount } } : { id, balance: { $lte: headroom } };
  const changed = await em.nativeUpdate(Account, where, {
    balance: raw(`round(balance ${sign < 0 ? '-' : '+'} ?, 2)`, [amount]),
    updatedAt: new Date(),
  });
  if (changed === 1) return;
  await requireAccount(em, id);
  if (sign < 0) throw new InsufficientFundsError(id, amount);
  throw new InvalidError(`the balance of account ${id} would exceed ${fromCents(MAX_BALANCE_CENTS)}`, 'amount');
}

export async function deposit(em: EntityManager, id: number, amount: string): Promise<AccountView> {
  const value = requireAmount(amount);
  return translateErrors(() =>
    em.transactional(async (tx) => {
      await applyDelta(tx, id, value, 1);
      return toAccountView(await requireAccount(tx, id, true));
    }),
  );
}

export async function withdraw(em: EntityManager, id: number, amount: string): Promise<AccountView> {
  const value = requireAmount(amount);
  return translateErrors(() =>
    em.transactional(async (tx) => {
      await applyDelta(tx, id, value, -1);
      return toAccountView(await requireAccount(tx, id, true));
    }),
  );
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

async function findReplay(em: EntityManager, request: TransferRequest, amount: string): Promise<TransferResult | null> {
  if (!request.idempotencyKey) return null;
  const previous = await em.fork().findOne(Transfer, { idempotencyKey: request.idempotencyKey });
  if (!previous) return null;
  const same =
    previous.fromAccount.id === request.fromAccountId &&
    previous.toAccount.id === request.toAccountId &&
    toCents(formatMoney(previous.amount)) === toCents(amount);
  if (!same) throw new ConflictError('idempotencyKey was already used for a different transfer', 'idempotencyKey');
  return { transfer: toTransferView(previous), replayed: true };
}

const MAX_ATTEMPTS = 5;
const isRetryable = (error: unknown) => error instanceof DeadlockException || error instanceof LockWaitTimeoutException;

/**
 * Moves `amount` between two accounts: both sides and the ledger row, or nothing. Rows are updated in
 * ascending id order so concurrent transfers lock in one global order (no deadlock cycles); a deadlock or
 * serialization failure the database still reports is retried with backoff.
 */
export async function transferFunds(em: EntityManager, request: TransferRequest): Promise<TransferResult> {
  const amount = requireAmount(request.amount);
  if (request.fromAccountId === request.toAccountId) {
    throw new InvalidError('cannot transfer to the same account', 'toAccountId');
  }
  const replay = await findReplay(em, request, amount);
  if (replay) return replay;

  for (let attempt = 1; ; attempt++) {
    try {
      return await translateErrors(() =>
        em.transactional(async (tx) => {
          const legs = [
            { id: request.fromAccountId, sign: -1 as const },
            { id: request.toAccountId, sign: 1 as const },
          ].sort((a, b) => a.id - b.id);
          for (const leg of legs) await applyDelta(tx, leg.id, amount, leg.sign);
          const transfer = tx.create(Transfer, {
            fromAccount: request.fromAccountId,
            toAccount: request.toAccountId,
            amount,
            idempotencyKey: request.idempotencyKey ?? null,
          });
          await tx.flush();
          return { transfer: toTransferView(transfer), replayed: false };
        }),
      );
    } catch (error) {
      // A concurrent request with the same idempotency key won the race: report its transfer.
      if (error instanceof ConflictError && error.field === 'idempotencyKey') {
        const winner = await findReplay(em, request, amount);
        if (winner) return winner;
      }
      if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
      em.clear();
      await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 5 + Math.random() * 10));
    }
  }
}

/**
 * An account's ledger, newest first: transfers from or to it, with the capped total in the same statement.
 * A ledger row proves its account exists (foreign keys), so only an empty page asks whether it does.
 */
export async function listTransfers(
  em: EntityManager,
  accountId: number,
  request: PageRequest = {},
): Promise<Page<TransferView>> {
  const window = pageWindow(request);
  const ofAccount = (eb: ExpressionBuilder<ShopDB & { t: ShopDB['transfers'] }, 't'>) =>
    eb.or([eb('t.from_account_id', '=', accountId), eb('t.to_account_id', '=', accountId)]);
  const count = cappedCount(
    reader(em),
    reader(em).selectFrom('transfers as t').select('t.id').where(ofAccount),
    window,
  );
  const rows = await reader(em)
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
    const empty = await reader(em)
      .selectNoFrom((eb) => [
        eb.selectFrom('accounts').select('id').where('id', '=', accountId).as('known'),
        count.as('total'),
      ])
      .executeTakeFirstOrThrow();
    if (empty.known === null) throw new NotFoundError('account', accountId);
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

/** Sum of all balances, as a decimal string (the invariant transfers must preserve). */
export async function totalBalance(em: EntityManager): Promise<string> {
  const accounts = await em.find(Account, {}, { fields: ['balance'] });
  const cents = accounts.reduce((sum, a) => sum + toCents(formatMoney(a.balance)), 0n);
  return fromCents(cents);
}
