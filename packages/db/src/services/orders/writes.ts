// Checkout, cancellation and the shipping steps: each one unit of work, retried on deadlock or serialization
// failure like transfers. Locks are taken in one global order, products (ascending id) and then accounts
// (ascending id), so concurrent checkouts and cancellations cannot form a cycle.
import { sql } from 'kysely';
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, OutOfStockError } from '../../domain/errors.ts';
import { MAX_ID, textLimits } from '../../domain/limits.ts';
import { fromCents, toCents } from '../../domain/money.ts';
import { type Scope, userScope } from '../../domain/scope.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { kysely, paramEncoder, rowDecoder } from '../../driver/sql.ts';
import { Order, OrderLine, type OrderStatus } from '../../entities/index.ts';
import { moveBalances, recordMovement, revenueAccountId, writeLedgerRow } from '../accounts/ledger.ts';
import { retrying, unitOfWork } from '../unit-of-work.ts';
import { findOrderByKey, getOrder, type OrderView } from './reads.ts';

const now = () => new Date();

/** The most units of one product, and the most lines, one checkout takes. */
export const checkoutLimits = { quantity: 1000, lines: 100 } as const;

export interface CheckoutLine {
  productId: number;
  quantity: number;
}

export interface CheckoutRequest {
  /** The buyer's own account that pays. */
  accountId: number;
  lines: CheckoutLine[];
  /** Same key, same order: a retried checkout returns the first one instead of buying twice. */
  idempotencyKey: string;
}

export interface CheckoutResult {
  order: OrderView;
  /** true when the key had already been used and nothing was bought this time. */
  replayed: boolean;
}

/** One line per product (quantities of repeated products added up), in ascending product id: the lock order. */
function mergeLines(lines: CheckoutLine[]): CheckoutLine[] {
  if (lines.length === 0) throw new InvalidError('the cart is empty: add at least one product', 'lines');
  if (lines.length > checkoutLimits.lines) {
    throw new InvalidError(`at most ${checkoutLimits.lines} lines per order`, 'lines');
  }
  const merged = new Map<number, number>();
  lines.forEach((line, index) => {
    if (!Number.isSafeInteger(line.productId) || line.productId < 1 || line.productId > MAX_ID) {
      throw new InvalidError(`line ${index + 1}: not a product id`, `lines.${index}.productId`);
    }
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
      throw new InvalidError(
        `line ${index + 1}: the quantity must be a whole number of at least 1`,
        `lines.${index}.quantity`,
      );
    }
    merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity);
  });
  const result = [...merged].map(([productId, quantity]) => ({ productId, quantity }));
  const over = result.find((line) => line.quantity > checkoutLimits.quantity);
  if (over) {
    throw new InvalidError(`at most ${checkoutLimits.quantity} units of one product per order`, 'lines');
  }
  return result.sort((a, b) => a.productId - b.productId);
}

function requireKey(key: string): string {
  const value = key.trim();
  if (value === '' || value.length > textLimits.idempotencyKey) {
    throw new InvalidError(`idempotencyKey must be 1 to ${textLimits.idempotencyKey} characters`, 'idempotencyKey');
  }
  return value;
}

/** The order this buyer's earlier checkout with this key made, if it asked for the same (else a conflict). */
async function findReplay(
  em: EntityManager,
  buyerId: number,
  request: CheckoutRequest,
  lines: CheckoutLine[],
): Promise<CheckoutResult | null> {
  const previous = await findOrderByKey(em, buyerId, request.idempotencyKey);
  if (!previous) return null;
  const asked = lines.map((line) => `${line.productId}x${line.quantity}`).join(',');
  const had = previous.lines
    .map((line) => `${line.productId}x${line.quantity}`)
    .sort()
    .join(',');
  const sortedAsked = asked.split(',').sort().join(',');
  const same = previous.accountId === request.accountId && had === sortedAsked;
  if (!same) throw new ConflictError('idempotencyKey was already used for a different order', 'idempotencyKey');
  return { order: previous, replayed: true };
}

/**
 * Takes one line's units: `stock = stock - n` only where at least n are left, in one statement (so two buyers
 * of the last unit cannot both get it). `in_stock` is set first: MariaDB evaluates SET left to right with the
 * new values, PostgreSQL and SQLite with the old ones; first, it sees the old stock everywhere.
 */
async function takeStock(tx: EntityManager, line: CheckoutLine): Promise<void> {
  const { numUpdatedRows } = await kysely(tx)
    .updateTable('products')
    .set({
      in_stock: sql<boolean>`(stock > ${line.quantity})`,
      stock: sql<number>`stock - ${line.quantity}`,
      updated_at: paramEncoder(tx).date(now()) as Date,
    })
    .where('id', '=', line.productId)
    .where('stock', '>=', line.quantity)
    .executeTakeFirst();
  if (Number(numUpdatedRows) === 1) return;
  const product = await kysely(tx)
    .selectFrom('products')
    .select('stock')
    .where('id', '=', line.productId)
    .executeTakeFirst();
  if (!product) throw new NotFoundError('product', line.productId);
  throw new OutOfStockError(line.productId, line.quantity, Number(product.stock));
}

/**
 * Buys `lines` for `buyerId`, paid from their own account `accountId`: prices come from the database, never
 * from the caller; stock is taken, the money moved to the shop's revenue account and the order written, all
 * or nothing. Refused: an empty cart, a quantity below 1, an unknown product (NOT_FOUND), more than is left
 * (OUT_OF_STOCK: which product, how many), someone else's account (NOT_FOUND), too little money
 * (INSUFFICIENT_FUNDS).
 */
export async function checkout(em: EntityManager, buyerId: number, request: CheckoutRequest): Promise<CheckoutResult> {
  const lines = mergeLines(request.lines);
  const key = requireKey(request.idempotencyKey);
  const replay = await findReplay(em, buyerId, { ...request, idempotencyKey: key }, lines);
  if (replay) return replay;
  const revenue = await revenueAccountId(em);

  let id: number;
  try {
    id = await retrying(em, () =>
      unitOfWork(em, async (tx) => {
        for (const line of lines) await takeStock(tx, line);
        // Read after the rows are locked: the prices are the ones of the moment the stock was taken.
        const decode = rowDecoder(tx);
        const products = await kysely(tx)
          .selectFrom('products')
          .select(['id', 'name', 'price'])
          .where(
            'id',
            'in',
            lines.map((line) => line.productId),
          )
          .execute();
        const byId = new Map(products.map((p) => [p.id, { name: p.name, price: decode.money(p.price) }]));
        const priced = lines.map((line) => {
          const product = byId.get(line.productId);
          if (!product) throw new NotFoundError('product', line.productId);
          return { ...line, ...product };
        });
        const total = fromCents(priced.reduce((sum, line) => sum + toCents(line.price) * BigInt(line.quantity), 0n));
        const payment = { kind: 'payment' as const, from: request.accountId, to: revenue, amount: total };
        // Balances before the order row: inserting a row that references the account first would take a
        // shared lock on it (MariaDB) that the debit then has to upgrade, a deadlock between two checkouts.
        if (toCents(total) > 0n) await moveBalances(tx, payment, userScope(buyerId));
        else await assertOwnAccount(tx, buyerId, request.accountId);
        const order = tx.create(Order, {
          buyer: buyerId,
          account: request.accountId,
          status: 'placed',
          total,
          idempotencyKey: key,
        });
        for (const line of priced) {
          tx.create(OrderLine, {
            order,
            product: line.productId,
            productName: line.name,
            unitPrice: line.price,
            quantity: line.quantity,
          });
        }
        await tx.flush();
        if (toCents(total) > 0n) await writeLedgerRow(tx, { ...payment, orderId: order.id });
        return order.id;
      }),
    );
  } catch (error) {
    // A concurrent checkout with the same key won the race: report its order.
    if (error instanceof ConflictError && error.field === 'idempotencyKey') {
      const winner = await findReplay(em, buyerId, { ...request, idempotencyKey: key }, lines);
      if (winner) return winner;
    }
    throw error;
  }
  // The answer is read after the commit, so the stock and account locks are not held over that read.
  return { order: await getOrder(em, id, 'any'), replayed: false };
}

/** A free order still names an account of the buyer's own. */
async function assertOwnAccount(tx: EntityManager, buyerId: number, accountId: number): Promise<void> {
  const found = await kysely(tx)
    .selectFrom('accounts')
    .select('id')
    .where('id', '=', accountId)
    .where('owner_id', '=', buyerId)
    .executeTakeFirst();
  if (!found) throw new NotFoundError('account', accountId);
}

/**
 * Moves an order from one of `from` to `to` with one conditional UPDATE (which also locks its row); a
 * status that no longer allows it is a CONFLICT naming the status it is in.
 */
async function moveStatus(
  tx: EntityManager,
  id: number,
  from: OrderStatus[],
  to: OrderStatus,
  scope: Scope,
): Promise<void> {
  const stamp = { shipped: 'shippedAt', delivered: 'deliveredAt', cancelled: 'cancelledAt' } as const;
  const at = now();
  const changed = await tx.nativeUpdate(
    Order,
    { id, status: { $in: from }, ...(scope === 'any' ? {} : { buyer: scope.userId }) },
    { status: to, updatedAt: at, ...(to === 'placed' ? {} : { [stamp[to]]: at }) },
  );
  if (changed === 1) return;
  const current = await getOrder(tx, id, scope); // NOT_FOUND for a missing order or someone else's
  throw new ConflictError(`order ${id} is ${current.status}: it cannot be ${to} now`, 'status');
}

function requireAdmin(scope: Scope, what: string): void {
  if (scope !== 'any') throw new ForbiddenError(`only an admin can ${what}`);
}

/** placed → shipped (admins). */
export async function shipOrder(em: EntityManager, id: number, scope: Scope): Promise<OrderView> {
  requireAdmin(scope, 'ship an order');
  return unitOfWork(em, async (tx) => {
    await moveStatus(tx, id, ['placed'], 'shipped', scope);
    return getOrder(tx, id, scope);
  });
}

/** shipped → delivered (admins). */
export async function deliverOrder(em: EntityManager, id: number, scope: Scope): Promise<OrderView> {
  requireAdmin(scope, 'mark an order delivered');
  return unitOfWork(em, async (tx) => {
    await moveStatus(tx, id, ['shipped'], 'delivered', scope);
    return getOrder(tx, id, scope);
  });
}

/**
 * Cancels an order, puts its units back and refunds its total to the account that paid, in one unit of
 * work. The buyer may cancel while it is placed; an admin also once it is shipped, never once delivered.
 */
export async function cancelOrder(em: EntityManager, id: number, scope: Scope): Promise<OrderView> {
  const revenue = await revenueAccountId(em);
  return retrying(em, () =>
    unitOfWork(em, async (tx) => {
      await moveStatus(tx, id, scope === 'any' ? ['placed', 'shipped'] : ['placed'], 'cancelled', scope);
      const order = await getOrder(tx, id, scope);
      const lines = order.lines
        .flatMap((line) => (line.productId === null ? [] : [{ id: line.productId, quantity: line.quantity }]))
        .sort((a, b) => a.id - b.id);
      const param = paramEncoder(tx);
      for (const line of lines) {
        await kysely(tx)
          .updateTable('products')
          .set({
            in_stock: param.bool(true) as boolean,
            stock: sql<number>`stock + ${line.quantity}`,
            updated_at: param.date(now()) as Date,
          })
          .where('id', '=', line.id)
          .execute();
      }
      if (toCents(order.total) > 0n) {
        const refund = {
          kind: 'refund' as const,
          from: revenue,
          to: order.accountId,
          amount: order.total,
          orderId: id,
        };
        await recordMovement(tx, refund, 'any');
      }
      return getOrder(tx, id, scope);
    }),
  );
}
