// Order reads: the orders in one statement (the caller's scope inside it), their lines in a second one for all
// of them at once (select-in, as MikroORM's populate does), both mapped by the one mapper of the view.

import type { ExpressionBuilder } from 'kysely';
import { fromCents, toCents } from '../../domain/money.ts';
import { ownedBy, requireOwnUser, type Scope } from '../../domain/scope.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { kysely, type RowOf, rowDecoder, type ShopDB } from '../../driver/sql.ts';
import type { OrderStatus } from '../../entities/index.ts';
import { foundOrFail } from '../not-found.ts';
import { cappedCount, countLimit, type Page, type PageRequest, pageTotal, pageWindow, toPage } from '../pagination.ts';

export interface OrderLineView {
  /** null once the product was deleted; its name and price stay as they were at checkout. */
  productId: number | null;
  productName: string;
  unitPrice: string;
  quantity: number;
  lineTotal: string;
}

export interface OrderView {
  id: number;
  buyerId: number;
  buyerUsername: string;
  /** The account that paid, and that a cancellation refunds. */
  accountId: number;
  status: OrderStatus;
  total: string;
  lines: OrderLineView[];
  createdAt: Date;
  updatedAt: Date;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  cancelledAt: Date | null;
}

const selectOrders = (em: EntityManager) =>
  kysely(em).selectFrom('orders as o').innerJoin('users as b', 'b.id', 'o.buyer_id').select([
    'o.id',
    'o.buyer_id',
    'b.username as buyer_username',
    'o.account_id',
    'o.status',
    // Not `total`: a page's rows carry the page's capped count under that name (pagination.ts).
    'o.total as order_total',
    'o.created_at',
    'o.updated_at',
    'o.shipped_at',
    'o.delivered_at',
    'o.cancelled_at',
  ]);

const selectLines = (em: EntityManager) =>
  kysely(em)
    .selectFrom('order_lines as l')
    .select(['l.order_id', 'l.product_id', 'l.product_name', 'l.unit_price', 'l.quantity'])
    .orderBy('l.order_id')
    .orderBy('l.id');

/** Reads the lines of `rows` in one statement and maps each order with its lines. */
async function withLines(em: EntityManager, rows: RowOf<typeof selectOrders>[]): Promise<OrderView[]> {
  if (rows.length === 0) return [];
  const decode = rowDecoder(em);
  const lines = await selectLines(em)
    .where(
      'l.order_id',
      'in',
      rows.map((row) => row.id),
    )
    .execute();
  const byOrder = new Map<number, OrderLineView[]>();
  for (const line of lines) {
    const unitPrice = decode.money(line.unit_price);
    const quantity = Number(line.quantity);
    const view = {
      productId: line.product_id ?? null,
      productName: line.product_name,
      unitPrice,
      quantity,
      lineTotal: fromCents(toCents(unitPrice) * BigInt(quantity)),
    };
    byOrder.set(line.order_id, [...(byOrder.get(line.order_id) ?? []), view]);
  }
  const date = (value: unknown) => (value === null || value === undefined ? null : decode.date(value as never));
  return rows.map((row) => ({
    id: row.id,
    buyerId: row.buyer_id,
    buyerUsername: row.buyer_username,
    accountId: row.account_id,
    status: row.status as OrderStatus,
    total: decode.money(row.order_total),
    lines: byOrder.get(row.id) ?? [],
    createdAt: decode.date(row.created_at),
    updatedAt: decode.date(row.updated_at),
    shippedAt: date(row.shipped_at),
    deliveredAt: date(row.delivered_at),
    cancelledAt: date(row.cancelled_at),
  }));
}

/** An order of the scope's (someone else's answers like a missing one). */
export async function getOrder(em: EntityManager, id: number, scope: Scope): Promise<OrderView> {
  const row = await selectOrders(em)
    .where('o.id', '=', id)
    .where((eb) => eb.and(ownedBy(scope, 'o.buyer_id')))
    .executeTakeFirst();
  const [order] = await withLines(em, [foundOrFail(row, 'order', id)]);
  return foundOrFail(order, 'order', id);
}

/** The order this buyer's checkout with this key made (keys are unique per buyer). */
export async function findOrderByKey(
  em: EntityManager,
  buyerId: number,
  idempotencyKey: string,
): Promise<OrderView | undefined> {
  const row = await selectOrders(em)
    .where('o.idempotency_key', '=', idempotencyKey)
    .where('o.buyer_id', '=', buyerId)
    .executeTakeFirst();
  return row && (await withLines(em, [row]))[0];
}

export interface OrderFilters {
  status?: OrderStatus;
  /** One buyer's orders (an admin's "my orders"); a customer's scope already limits them to their own. */
  buyerId?: number;
}

/** Orders newest first, a page at a time, with the capped total in the same statement. */
export async function listOrders(
  em: EntityManager,
  filters: OrderFilters & PageRequest,
  scope: Scope,
): Promise<Page<OrderView>> {
  // Naming someone else's user id answers like a missing one (as for their accounts).
  if (filters.buyerId !== undefined) requireOwnUser(scope, filters.buyerId);
  const window = pageWindow(filters);
  // Each filter its own term: a customer's scope and a buyerId naming someone else must both hold (none).
  const where = (eb: ExpressionBuilder<ShopDB & { o: ShopDB['orders'] }, 'o'>) =>
    eb.and([
      eb.and(filters.status === undefined ? {} : { 'o.status': filters.status }),
      eb.and(filters.buyerId === undefined ? {} : { 'o.buyer_id': filters.buyerId }),
      eb.and(ownedBy(scope, 'o.buyer_id')),
    ]);
  const matching = kysely(em).selectFrom('orders as o').select('o.id').where(where);
  const count = cappedCount(kysely(em), matching, countLimit(window));
  const rows = await selectOrders(em)
    .select(count.as('total'))
    .where(where)
    .orderBy('o.id', 'desc')
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  return toPage(await withLines(em, rows), await pageTotal(rows, () => count, window), window);
}
