// No oversell, from two API processes on one database: 24 buyers, each with money of their own, check out
// the same product with 5 units left at once (half over REST, half over tRPC). Exactly 5 are sold, the rest
// answer 422 OUT_OF_STOCK, no 5xx; the stock ends at 0, the money that left the buyers is exactly what the
// revenue account received and the sum of the order totals. Then the same order is cancelled through both
// processes at once: one refund, one 409.
import { createCategory, createProduct, createUsers, type DatabaseTarget, login, openAccount, openOrm } from '@shop/db';
import { ledgerMismatches, skipWithoutDatabase } from '@shop/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ApiProcess, startApiProcess } from '../src/testing/api-process.ts';
import { type SharedDatabase, sharedDatabase } from './support/shared-database.ts';

const BUYERS = 24;
const STOCK = 5;
const PRICE = '12.40';

let database: SharedDatabase | null = null;
const buyers: { token: string; accountId: number }[] = [];
let productId = 0;
const servers: ApiProcess[] = [];

beforeAll(async () => {
  database = await sharedDatabase('checkout');
  if (!database) return;
  await database.fill(async (orm) => {
    const em = () => orm.em.fork();
    const users = await createUsers(
      em(),
      Array.from({ length: BUYERS }, (_, i) => ({
        username: `buyer-${i}`,
        email: `buyer-${i}@example.com`,
        password: `buyer-password-${i}`,
      })),
    );
    for (const [i, user] of users.entries()) {
      const account = await openAccount(em(), user.id, '50.00', 'any'); // an admin's opening top-up
      const session = await login(em(), user.username, `buyer-password-${i}`);
      if (!session) throw new Error(`sign-in of ${user.username} failed in setup`);
      buyers.push({ token: session.token, accountId: account.id });
    }
    const category = await createCategory(em(), 'Limited');
    productId = (await createProduct(em(), { name: 'Last lamps', price: PRICE, stock: STOCK, categoryId: category.id }))
      .id;
  });
  const env = { LOG_LEVEL: 'error' };
  servers.push(
    ...(await Promise.all([
      startApiProcess({ databaseUrl: database.databaseUrl, env }),
      startApiProcess({ databaseUrl: database.databaseUrl, env }),
    ])),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await database?.destroy();
});

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field below
  body: any;
}

/** A checkout over REST (POST /api/orders) or tRPC, on the given server. */
async function buy(server: ApiProcess, buyer: (typeof buyers)[number], overRest: boolean): Promise<Answer> {
  const input = { accountId: buyer.accountId, lines: [{ productId, quantity: 1 }] };
  const key = `race-${buyer.accountId}-${Math.random().toString(36).slice(2)}`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${buyer.token}` };
  const response = overRest
    ? await fetch(`${server.origin}/api/orders`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': key },
        body: JSON.stringify(input),
      })
    : await fetch(`${server.url}/orders.checkout`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ json: { ...input, idempotencyKey: key } }),
      });
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field below
  const body: any = await response.json();
  return { status: response.status, body: overRest ? body : (body.result?.data?.json ?? body.error?.json) };
}

it(`${BUYERS} buyers for the last ${STOCK} units on two processes: exactly ${STOCK} sold, no 5xx, the money matches`, async (context) => {
  skipWithoutDatabase(context);
  const answers = await Promise.all(buyers.map((buyer, i) => buy(servers[i % 2]!, buyer, i % 4 < 2)));
  const describe = (a: Answer) => `${a.status} ${JSON.stringify(a.body).slice(0, 300)}`;
  if (answers.some((a) => a.status >= 500)) console.error(servers.map((server) => server.describe()).join('\n'));
  expect(answers.filter((a) => a.status >= 500).map(describe)).toEqual([]);
  const sold = answers.filter((a) => a.status === 200 || a.status === 201);
  const refused = answers.filter((a) => a.status === 422);
  expect(sold).toHaveLength(STOCK);
  expect(refused).toHaveLength(BUYERS - STOCK);
  expect(refused.every((a) => a.body.data?.domain?.kind === 'OUT_OF_STOCK')).toBe(true);
  const orders = sold.map((a) => a.body.order as { id: number; total: string });
  expect(orders.every((order) => order.total === PRICE)).toBe(true);

  const orm = await openOrm(database?.target as DatabaseTarget);
  try {
    const em = orm.em.fork();
    const [product] = (await em.execute(`select stock, in_stock from products where id = ${productId}`)) as {
      stock: number;
      in_stock: unknown;
    }[];
    expect([Number(product?.stock), Boolean(Number(product?.in_stock))]).toEqual([0, false]);
    const [revenue] = (await em.execute("select balance from accounts where system_key = 'revenue'")) as {
      balance: string | number;
    }[];
    expect(Number(revenue?.balance).toFixed(2)).toBe((Number(PRICE) * STOCK).toFixed(2));
    const [spent] = (await em.execute(
      "select round(sum(amount), 2) as total, count(*) as n from transfers where kind = 'payment'",
    )) as { total: string | number; n: number | string }[];
    expect([Number(spent?.total).toFixed(2), Number(spent?.n)]).toEqual([(Number(PRICE) * STOCK).toFixed(2), STOCK]);
    expect(await ledgerMismatches(orm.em.fork())).toEqual([]);

    // The same order cancelled through both processes at once: one refund, one conflict.
    const first = orders[0] as { id: number };
    const owner = buyers[answers.indexOf(sold[0] as Answer)] as (typeof buyers)[number];
    const cancels = await Promise.all(
      servers.map((server) =>
        fetch(`${server.origin}/api/orders/${first.id}/cancel`, {
          method: 'POST',
          headers: { authorization: `Bearer ${owner.token}` },
        }).then((r) => r.status),
      ),
    );
    expect(cancels.sort()).toEqual([200, 409]);
    const [refunds] = (await em.execute(`select count(*) as n from transfers where kind = 'refund'`)) as {
      n: number | string;
    }[];
    expect(Number(refunds?.n)).toBe(1);
    const [after] = (await orm.em.fork().execute(`select stock from products where id = ${productId}`)) as {
      stock: number;
    }[];
    expect(Number(after?.stock)).toBe(1);
    expect(await ledgerMismatches(orm.em.fork())).toEqual([]);
  } finally {
    await orm.close(true);
  }
}, 120_000);
