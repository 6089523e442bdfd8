// Checkout, cancellation and the shipping steps: prices from the database, stock and money and the order
// moving together or not at all, typed refusals that change nothing, idempotent retries, who may do what,
// and no oversell under concurrent buyers. After every test, every balance is the sum of its ledger.
import { ledgerMismatches, serverUnavailable, useTestDatabase } from '@shop/db/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/domain/money.ts';
import { userScope } from '../../src/domain/scope.ts';
import { Order, Transfer } from '../../src/entities/index.ts';
import { revenueAccountId } from '../../src/services/accounts/ledger.ts';
import { getAccount } from '../../src/services/accounts/reads.ts';
import { openAccount } from '../../src/services/accounts/writes.ts';
import { createCategory } from '../../src/services/categories/writes.ts';
import { getOrder, listOrders } from '../../src/services/orders/reads.ts';
import { cancelOrder, checkout, deliverOrder, shipOrder } from '../../src/services/orders/writes.ts';
import { getProduct } from '../../src/services/products/reads.ts';
import { createProduct, deleteProduct, updateProduct } from '../../src/services/products/writes.ts';
import { createUser } from '../../src/services/users/writes.ts';

const { em } = useTestDatabase();

afterEach(async () => {
  if (serverUnavailable()) return;
  expect(await ledgerMismatches(em())).toEqual([]);
});

let keys = 0;
const key = () => `order-key-${++keys}-${Date.now()}`;

async function buyer(name: string, funds = '100.00') {
  const user = await createUser(em(), { username: name, email: `${name}@example.com` });
  const account = await openAccount(em(), user.id, funds, 'any');
  return { id: user.id, account: account.id };
}

let shop: { book: number; lamp: number; free: number };
beforeEach(async () => {
  if (serverUnavailable()) return;
  const category = await createCategory(em(), 'Things');
  const product = (name: string, price: string, stock: number) =>
    createProduct(em(), { name, price, stock, categoryId: category.id }).then((p) => p.id);
  shop = {
    book: await product('Book', '12.50', 5),
    lamp: await product('Lamp', '30.00', 1),
    free: await product('Sticker', '0.00', 3),
  };
});

const balance = async (id: number) => (await getAccount(em(), id, 'any')).balance;
const stock = async (id: number) => (await getProduct(em(), id)).stock;
const orders = () => em().count(Order);
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('checkout', () => {
  it('prices from the database, takes the stock, pays the revenue account and keeps the price as it was', async () => {
    const ann = await buyer('ann');
    const lines = [
      { productId: shop.book, quantity: 1 },
      { productId: shop.lamp, quantity: 1 },
      { productId: shop.book, quantity: 1 }, // the same product again: one line of 2
    ];
    const { order, replayed } = await checkout(em(), ann.id, { accountId: ann.account, lines, idempotencyKey: key() });
    expect(replayed).toBe(false);
    expect(order).toMatchObject({
      buyerId: ann.id,
      buyerUsername: 'ann',
      accountId: ann.account,
      status: 'placed',
      total: '55.00',
    });
    expect(order.lines).toEqual([
      { productId: shop.book, productName: 'Book', unitPrice: '12.50', quantity: 2, lineTotal: '25.00' },
      { productId: shop.lamp, productName: 'Lamp', unitPrice: '30.00', quantity: 1, lineTotal: '30.00' },
    ]);
    expect([await stock(shop.book), await stock(shop.lamp)]).toEqual([3, 0]);
    expect((await getProduct(em(), shop.lamp)).inStock).toBe(false);
    expect(await balance(ann.account)).toBe('45.00');
    const revenue = await revenueAccountId(em());
    expect(await balance(revenue)).toBe('55.00');
    const payment = await em().findOneOrFail(Transfer, { kind: 'payment' });
    expect([payment.fromAccount?.id, payment.toAccount?.id, payment.order?.id]).toEqual([
      ann.account,
      revenue,
      order.id,
    ]);

    // Later changes to the product leave the order as it was bought.
    await updateProduct(em(), shop.book, { name: 'Book, 2nd ed.', price: '99.00' });
    await deleteProduct(em(), shop.lamp);
    expect((await getOrder(em(), order.id, 'any')).lines).toEqual([
      expect.objectContaining({ productId: shop.book, productName: 'Book', unitPrice: '12.50' }),
      expect.objectContaining({ productId: null, productName: 'Lamp', unitPrice: '30.00' }),
    ]);
  });

  it('refuses with a typed error and changes nothing', async () => {
    const ann = await buyer('ann', '20.00');
    const bob = await buyer('bob');
    const attempt = (lines: { productId: number; quantity: number }[], accountId = ann.account) =>
      refusal(checkout(em(), ann.id, { accountId, lines, idempotencyKey: key() }));
    const before = async () => [
      await stock(shop.book),
      await stock(shop.lamp),
      await balance(ann.account),
      await orders(),
    ];
    const unchanged = await before();
    expect(await attempt([])).toMatchObject({ kind: 'INVALID', field: 'lines' });
    for (const quantity of [0, -1, 1.5]) {
      expect(await attempt([{ productId: shop.book, quantity }])).toMatchObject({ kind: 'INVALID' });
    }
    expect(await attempt([{ productId: 99_999, quantity: 1 }])).toMatchObject({ kind: 'NOT_FOUND', entity: 'product' });
    expect(await attempt([{ productId: shop.book, quantity: 6 }])).toMatchObject({
      kind: 'OUT_OF_STOCK',
      productId: shop.book,
      requested: 6,
      available: 5,
    });
    // The second line fails after the first took its stock: the first is put back with the rest.
    expect(
      await attempt([
        { productId: shop.book, quantity: 1 },
        { productId: shop.lamp, quantity: 2 },
      ]),
    ).toMatchObject({
      kind: 'OUT_OF_STOCK',
      productId: shop.lamp,
      available: 1,
    });
    expect(await attempt([{ productId: shop.book, quantity: 1 }], bob.account)).toMatchObject({
      kind: 'NOT_FOUND',
      entity: 'account',
    });
    expect(await attempt([{ productId: shop.lamp, quantity: 1 }])).toMatchObject({ kind: 'INSUFFICIENT_FUNDS' });
    expect(await before()).toEqual(unchanged);
    expect(await balance(bob.account)).toBe('100.00');
  });

  it('applies a retried checkout once per key; the key cannot buy something else; another buyer’s same key is theirs', async () => {
    const ann = await buyer('ann');
    const bob = await buyer('bob');
    const request = { accountId: ann.account, lines: [{ productId: shop.book, quantity: 2 }], idempotencyKey: key() };
    const first = await checkout(em(), ann.id, request);
    const again = await checkout(em(), ann.id, request);
    expect(again).toEqual({ order: first.order, replayed: true });
    expect([await stock(shop.book), await balance(ann.account), await orders()]).toEqual([3, '75.00', 1]);
    const other = { ...request, lines: [{ productId: shop.book, quantity: 1 }] };
    expect(await refusal(checkout(em(), ann.id, other))).toMatchObject({ kind: 'CONFLICT', field: 'idempotencyKey' });
    // Keys are per buyer: bob using ann's key neither is blocked by it nor learns that it exists.
    const theirs = { ...request, accountId: bob.account };
    const bobs = await checkout(em(), bob.id, theirs);
    expect(bobs.replayed).toBe(false);
    expect(bobs.order.id).not.toBe(first.order.id);
    expect(await checkout(em(), bob.id, theirs)).toEqual({ order: bobs.order, replayed: true });
    expect(await orders()).toBe(2);
  });

  it('sells free products without a payment row, from the buyer’s own account', async () => {
    const ann = await buyer('ann', '0');
    const { order } = await checkout(em(), ann.id, {
      accountId: ann.account,
      lines: [{ productId: shop.free, quantity: 2 }],
      idempotencyKey: key(),
    });
    expect(order.total).toBe('0.00');
    expect(await em().count(Transfer, { kind: 'payment' })).toBe(0);
    expect(await stock(shop.free)).toBe(1);
  });
});

describe('after checkout', () => {
  async function placed() {
    const ann = await buyer('ann');
    const { order } = await checkout(em(), ann.id, {
      accountId: ann.account,
      lines: [{ productId: shop.book, quantity: 2 }],
      idempotencyKey: key(),
    });
    return { ann, order };
  }

  it('the buyer cancels a placed order: refund and restock in one unit of work, once', async () => {
    const { ann, order } = await placed();
    const cancelled = await cancelOrder(em(), order.id, userScope(ann.id));
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledAt: expect.any(Date) });
    expect([await stock(shop.book), await balance(ann.account)]).toEqual([5, '100.00']);
    const refund = await em().findOneOrFail(Transfer, { kind: 'refund' });
    expect([refund.toAccount?.id, refund.order?.id, formatMoney(refund.amount)]).toEqual([
      ann.account,
      order.id,
      '25.00',
    ]);
    expect(await refusal(cancelOrder(em(), order.id, userScope(ann.id)))).toMatchObject({ kind: 'CONFLICT' });
    expect(await refusal(cancelOrder(em(), order.id, 'any'))).toMatchObject({ kind: 'CONFLICT' });
    expect(await em().count(Transfer, { kind: 'refund' })).toBe(1);
    expect(await balance(await revenueAccountId(em()))).toBe('0.00');
  });

  it('ships and delivers for admins only; the buyer cannot cancel once shipped, an admin can until delivered', async () => {
    const { ann, order } = await placed();
    expect(await refusal(shipOrder(em(), order.id, userScope(ann.id)))).toMatchObject({ kind: 'FORBIDDEN' });
    expect(await shipOrder(em(), order.id, 'any')).toMatchObject({ status: 'shipped', shippedAt: expect.any(Date) });
    expect(await refusal(shipOrder(em(), order.id, 'any'))).toMatchObject({ kind: 'CONFLICT', field: 'status' });
    expect(await refusal(cancelOrder(em(), order.id, userScope(ann.id)))).toMatchObject({
      kind: 'CONFLICT',
      message: `order ${order.id} is shipped: it cannot be cancelled now`,
    });
    expect(await refusal(deliverOrder(em(), order.id, userScope(ann.id)))).toMatchObject({ kind: 'FORBIDDEN' });
    expect(await cancelOrder(em(), order.id, 'any')).toMatchObject({ status: 'cancelled' });
    expect(await balance(ann.account)).toBe('100.00');

    const bob = await buyer('bob');
    const { order: delivered } = await checkout(em(), bob.id, {
      accountId: bob.account,
      lines: [{ productId: shop.book, quantity: 1 }],
      idempotencyKey: key(),
    });
    await shipOrder(em(), delivered.id, 'any');
    expect(await deliverOrder(em(), delivered.id, 'any')).toMatchObject({ status: 'delivered' });
    expect(await refusal(cancelOrder(em(), delivered.id, 'any'))).toMatchObject({ kind: 'CONFLICT' });
  });

  it('someone else’s order answers NOT_FOUND; lists are the scope’s, filtered by status or buyer', async () => {
    const { ann, order } = await placed();
    const bob = await buyer('bob');
    const { order: bobs } = await checkout(em(), bob.id, {
      accountId: bob.account,
      lines: [{ productId: shop.lamp, quantity: 1 }],
      idempotencyKey: key(),
    });
    await shipOrder(em(), bobs.id, 'any');
    expect(await refusal(getOrder(em(), order.id, userScope(bob.id)))).toMatchObject({ kind: 'NOT_FOUND' });
    expect(await refusal(cancelOrder(em(), order.id, userScope(bob.id)))).toMatchObject({ kind: 'NOT_FOUND' });
    expect((await getOrder(em(), order.id, 'any')).status).toBe('placed');
    const ids = async (...args: Parameters<typeof listOrders>) => (await listOrders(...args)).items.map((o) => o.id);
    expect(await ids(em(), {}, userScope(ann.id))).toEqual([order.id]);
    expect(await ids(em(), {}, 'any')).toEqual([bobs.id, order.id]);
    expect(await ids(em(), { status: 'shipped' }, 'any')).toEqual([bobs.id]);
    expect(await ids(em(), { buyerId: ann.id }, 'any')).toEqual([order.id]);
    // A page's orders are the orders as byId reads them (their totals too, not the page's count).
    expect((await listOrders(em(), {}, 'any')).items).toEqual([
      await getOrder(em(), bobs.id, 'any'),
      await getOrder(em(), order.id, 'any'),
    ]);
    expect(await refusal(listOrders(em(), { buyerId: bob.id }, userScope(ann.id)))).toMatchObject({
      kind: 'NOT_FOUND',
    });
  });
});

describe.runIf(serverUnavailable() === null)('concurrent buyers', () => {
  it('20 buyers of the last 5 units: exactly 5 sold, the others OUT_OF_STOCK, the money matches', async () => {
    const buyers = [];
    for (let i = 0; i < 20; i++) buyers.push(await buyer(`racer${i}`));
    const results = await Promise.all(
      buyers.map((b) =>
        checkout(em(), b.id, {
          accountId: b.account,
          lines: [{ productId: shop.book, quantity: 1 }],
          idempotencyKey: key(),
        }).then(
          (r) => r.order,
          (error: unknown) => error,
        ),
      ),
    );
    const sold = results.filter((r) => !(r instanceof Error));
    const refused = results.filter((r) => r instanceof Error);
    expect(sold).toHaveLength(5);
    expect(refused.every((e) => (e as { kind?: string }).kind === 'OUT_OF_STOCK')).toBe(true);
    expect(await stock(shop.book)).toBe(0);
    expect(await balance(await revenueAccountId(em()))).toBe('62.50');
  });
});
