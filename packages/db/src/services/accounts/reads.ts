// Account and ledger reads: one statement each, the caller's scope inside it, rows mapped by the one mapper
// of each view (the writes return their results through these reads too).
import type { ExpressionBuilder } from 'kysely';
import { ownedBy, requireOwnUser, type Scope } from '../../domain/scope.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { kysely, paramEncoder, type RowOf, rowDecoder, type ShopDB } from '../../driver/sql.ts';
import type { LedgerKind } from '../../entities/index.ts';
import { foundOrFail } from '../not-found.ts';
import { cappedCount, countLimit, type Page, type PageRequest, pageWindow, toPage } from '../pagination.ts';

export interface AccountView {
  id: number;
  /** The customer's user id; null for the shop's own revenue account (`kind: 'revenue'`). */
  ownerId: number | null;
  kind: 'customer' | 'revenue';
  balance: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One ledger row: a transfer, an admin's top-up or withdrawal, or an order's payment or refund. */
export interface TransferView {
  id: number;
  kind: LedgerKind;
  /** null for a top-up (money from outside the shop). */
  fromAccountId: number | null;
  /** null for a withdrawal (money out of the shop). */
  toAccountId: number | null;
  amount: string;
  reason: string | null;
  orderId: number | null;
  idempotencyKey: string | null;
  createdAt: Date;
}

const selectAccounts = (em: EntityManager) =>
  kysely(em).selectFrom('accounts').select(['id', 'owner_id', 'system_key', 'balance', 'created_at', 'updated_at']);

function accountRowMapper(em: EntityManager): (row: RowOf<typeof selectAccounts>) => AccountView {
  const decode = rowDecoder(em);
  return (row) => ({
    id: row.id,
    ownerId: row.owner_id ?? null,
    kind: row.system_key === null || row.system_key === undefined ? 'customer' : 'revenue',
    balance: decode.money(row.balance),
    createdAt: decode.date(row.created_at),
    updatedAt: decode.date(row.updated_at),
  });
}

export async function getAccount(em: EntityManager, id: number, scope: Scope): Promise<AccountView> {
  const query = selectAccounts(em)
    .where('id', '=', id)
    .where((eb) => eb.and(ownedBy(scope, 'owner_id')));
  return accountRowMapper(em)(foundOrFail(await query.executeTakeFirst(), 'account', id));
}

export async function listAccountsForUser(em: EntityManager, ownerId: number, scope: Scope): Promise<AccountView[]> {
  requireOwnUser(scope, ownerId);
  const rows = await selectAccounts(em).where('owner_id', '=', ownerId).orderBy('id', 'asc').execute();
  return rows.map(accountRowMapper(em));
}

/** The columns of a TransferView, read (`t.`-qualified) or returned by the insert that wrote the row. */
export const TRANSFER_COLUMNS = [
  'id',
  'kind',
  'from_account_id',
  'to_account_id',
  'amount',
  'reason',
  'order_id',
  'idempotency_key',
  'created_at',
] as const;

const selectTransfers = (em: EntityManager) =>
  kysely(em)
    .selectFrom('transfers as t')
    .select(TRANSFER_COLUMNS.map((column) => `t.${column}` as const));

export type TransferRow = RowOf<typeof selectTransfers>;

/** The one mapper of a TransferView: from a read, or from the row an insert returned. */
export function transferRowMapper(em: EntityManager): (row: TransferRow) => TransferView {
  const decode = rowDecoder(em);
  return (row) => ({
    id: row.id,
    kind: row.kind as LedgerKind,
    fromAccountId: row.from_account_id ?? null,
    toAccountId: row.to_account_id ?? null,
    amount: decode.money(row.amount),
    reason: row.reason ?? null,
    orderId: row.order_id ?? null,
    idempotencyKey: row.idempotency_key ?? null,
    createdAt: decode.date(row.created_at),
  });
}

/**
 * A ledger row is the scope's when its debited account is (whoever moved the money), or, for a top-up, its
 * credited one.
 */
const transfersOf = (em: EntityManager, scope: Scope) =>
  selectTransfers(em)
    .innerJoin('accounts as side', (join) =>
      join.on((eb) => eb('side.id', '=', eb.fn.coalesce('t.from_account_id', 't.to_account_id'))),
    )
    .where((eb) => eb.and(ownedBy(scope, 'side.owner_id')));

/**
 * The transfer made from `fromAccountId` with `idempotencyKey` (keys are unique per debited account), if
 * it is the scope's (someone else's answers like none).
 */
export async function findTransferByKey(
  em: EntityManager,
  fromAccountId: number,
  idempotencyKey: string,
  scope: Scope,
): Promise<TransferView | undefined> {
  const row = await transfersOf(em, scope)
    .where('t.idempotency_key', '=', idempotencyKey)
    .where('t.from_account_id', '=', fromAccountId)
    .executeTakeFirst();
  return row && transferRowMapper(em)(row);
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
  // The ownership check is an uncorrelated subquery, evaluated once per statement: the page and the check
  // in one trip.
  const ofAccount = (eb: ExpressionBuilder<ShopDB & { t: ShopDB['transfers'] }, 't'>) =>
    eb.and([
      eb.or([eb('t.from_account_id', '=', accountId), eb('t.to_account_id', '=', accountId)]),
      eb.exists(visible()),
    ]);
  const count = cappedCount(
    kysely(em),
    kysely(em).selectFrom('transfers as t').select('t.id').where(ofAccount),
    countLimit(window),
  );
  const rows = await selectTransfers(em)
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
  return toPage(rows.map(transferRowMapper(em)), Number(counted), window);
}

/** A user's accounts by username, for paying someone by name: active users only, ids only. */
export async function recipientAccounts(
  em: EntityManager,
  username: string,
): Promise<{ username: string; accountIds: number[] }> {
  const rows = await kysely(em)
    .selectFrom('users as u')
    .leftJoin('accounts as a', 'a.owner_id', 'u.id')
    .select(['u.username', 'a.id'])
    .where('u.username', '=', username.trim())
    .where('u.is_active', '=', paramEncoder(em).bool(true) as boolean)
    .orderBy('a.id', 'asc')
    .execute();
  const first = foundOrFail(rows[0], 'user', username.trim());
  return { username: first.username, accountIds: rows.flatMap((row) => (row.id === null ? [] : [row.id])) };
}
