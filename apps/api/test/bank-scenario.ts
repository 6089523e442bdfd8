// The bank scenario (bank.test.ts runs it on every dialect, bank-replica.test.ts on PostgreSQL with a
// streaming replica): two `node apps/api/src/main.ts` on one database, 16 signed-in customers sending ≥ 2,000
// transfers over plain HTTP (some overdrafts, some deliberate idempotent replays) mixed with purchases of a few
// scarce products and cancellations of them, one server killed with SIGKILL mid-run and replaced. Afterwards
// the database must balance to the cent against what the clients observed: every balance the sum of its
// ledger, the revenue account exactly the totals of the orders not cancelled, the units sold exactly those in
// those orders. With `readBack`, customers also read back what they just did from the other server (their
// ledger, their order: the primary's reads) and the product they bought (a catalog read a replica may serve).
import { randomBytes } from 'node:crypto';
import {
  createCategory,
  createProduct,
  createUsers,
  type DatabaseTarget,
  formatMoney,
  fromCents,
  login,
  type Orm,
  openAccount,
  openOrm,
  toCents,
} from '@shop/db';
import { totalBalance } from '@shop/db/testing';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { type ApiProcess, startApiProcess } from '../src/testing/api-process.ts';

/** The database both servers use, created and migrated (seeded here). */
export interface BankDatabase {
  target: DatabaseTarget;
  url: string;
  /** Drops it, or removes its file. */
  destroy(): Promise<void>;
}

export interface BankOptions {
  /** What the summary line and the test title call this run (the dialect, "PostgreSQL + replica"). */
  label: string;
  /** The database for the run, or null when its server is unavailable (the test is then skipped). */
  open(): Promise<BankDatabase | null>;
  /** Skips the test when the database is unavailable (never under CI). */
  skip(context: TestContext): void;
  /** The servers' environment beyond DATABASE_URL (read when they start). */
  env?: () => Record<string, string>;
  /** Read back, from the other server, a share of what each customer just did. */
  readBack?: boolean;
  /** More checks once the servers stopped. */
  afterRun?: () => Promise<void>;
}

const CUSTOMERS = 16;
const TRANSFERS = 2_000;
/** The first server is killed when this many transfers have been started… */
const KILL_AT = Math.floor(TRANSFERS * 0.4);
/** …and clients wait for its replacement before starting this one, so the replacement serves the rest. */
const REPLACEMENT_BY = Math.floor(TRANSFERS * 0.7);
const OVERDRAFT_RATE = 0.1;
const REPLAY_RATE = 0.05;
/** Of the requests, this share are checkouts (one unit of a scarce product) and this share cancellations. */
const PURCHASE_RATE = 0.1;
const CANCEL_RATE = 0.03;
/** Scarce products: fewer units than the purchases will ask for, so some checkouts find them sold out. */
const PRODUCTS = [
  { price: '3.25', stock: 40 },
  { price: '7.50', stock: 25 },
  { price: '1.05', stock: 60 },
];
const REQUEST_TIMEOUT_MS = 20_000;
/** With `readBack`, the share of successful transfers and purchases read back from the other server. */
const READ_BACK_RATE = 0.3;

/** A small seeded PRNG (mulberry32): the seed is printed with every failure. */
const SEED = Number(process.env.BANK_SEED ?? randomBytes(4).readUInt32LE());
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = prng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

interface Customer {
  index: number;
  userId: number;
  token: string;
  accounts: number[];
}

interface TransferInput {
  fromAccountId: number;
  toAccountId: number;
  amount: string;
  idempotencyKey: string;
}

interface TransferAnswer {
  transfer: { id: number; fromAccountId: number; toAccountId: number; amount: string; idempotencyKey: string | null };
  replayed: boolean;
}

interface OrderAnswer {
  order: { id: number; status: string; total: string };
  replayed: boolean;
}

type Outcome =
  | {
      kind: 'answer';
      status: number;
      data?: TransferAnswer & OrderAnswer & { id?: number; status?: string };
      code?: string;
      message?: string;
      server: ApiProcess;
    }
  | { kind: 'network'; error: string; server: ApiProcess };

/** One tRPC query over plain fetch (GET, superjson's wire format), signed in with `token` or anonymous. */
async function getQuery(
  server: ApiProcess,
  token: string | null,
  path: string,
  input: unknown,
): Promise<{ status: number; data?: unknown; message?: string } | { status: 'network'; message: string }> {
  try {
    const response = await fetch(
      `${server.origin}/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
      { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
    );
    const text = await response.text();
    try {
      const body = JSON.parse(text) as {
        result?: { data?: { json?: unknown } };
        error?: { json?: { message?: string } };
      };
      return { status: response.status, data: body.result?.data?.json, message: body.error?.json?.message };
    } catch {
      return { status: response.status, message: `not JSON: ${text.slice(0, 200)}` };
    }
  } catch (error) {
    return { status: 'network', message: (error as Error).message };
  }
}

/** One tRPC mutation over plain fetch: superjson's wire format, the bearer token of the customer. */
async function postMutation(server: ApiProcess, token: string, path: string, input: unknown): Promise<Outcome> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${server.origin}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ json: input }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    return { kind: 'network', error: `${(error as Error).message}${cause ? ` (${cause.message})` : ''}`, server };
  }
  let body: {
    result?: { data?: { json?: TransferAnswer & OrderAnswer } };
    error?: { json?: { message?: string; code?: number; data?: { code?: string; httpStatus?: number } } };
  };
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'answer', status: response.status, message: `not JSON: ${text.slice(0, 200)}`, server };
  }
  if (body.result?.data?.json) return { kind: 'answer', status: response.status, data: body.result.data.json, server };
  return {
    kind: 'answer',
    status: response.status,
    code: body.error?.json?.data?.code,
    message: body.error?.json?.message ?? text.slice(0, 200),
    server,
  };
}

/**
 * Registers the scenario as one test of the calling file, with its beforeAll (the database, its customers
 * and products) and afterAll (servers stopped, database dropped).
 */
export function bankSuite(options: BankOptions): void {
  // The database and its customers, made in beforeAll.
  let database: BankDatabase | null = null;
  let target: DatabaseTarget | undefined;
  let databaseUrl = '';
  const customers: Customer[] = [];
  const opening = new Map<number, bigint>(); // account id → opening balance in cents
  const products: { id: number; price: string; stock: number }[] = [];
  const started: ApiProcess[] = [];
  const orms: Orm[] = [];

  beforeAll(async () => {
    database = await options.open();
    if (!database) return;
    target = database.target;
    databaseUrl = database.url;
    const orm = await openOrm(target);
    try {
      const users = await createUsers(
        orm.em.fork(),
        Array.from({ length: CUSTOMERS }, (_, index) => ({
          username: `bank-customer-${index}`,
          email: `bank-customer-${index}@example.com`,
          password: `bank-password-${index}`,
        })),
      );
      for (const [index, user] of users.entries()) {
        const accounts: number[] = [];
        for (let n = 0; n < 1 + (index % 2); n++) {
          // 100.00 … 149.99: distinct openings make the per-account checks mean something.
          const cents = 10_000n + BigInt(Math.floor(random() * 5_000));
          const account = await openAccount(orm.em.fork(), user.id, fromCents(cents), 'any');
          opening.set(account.id, cents);
          accounts.push(account.id);
        }
        const session = await login(orm.em.fork(), user.username, `bank-password-${index}`);
        if (!session) throw new Error(`sign-in of ${user.username} failed in setup`);
        customers.push({ index, userId: user.id, token: session.token, accounts });
      }
      const category = await createCategory(orm.em.fork(), 'Scarce');
      for (const [n, product] of PRODUCTS.entries()) {
        const { id } = await createProduct(orm.em.fork(), { name: `Scarce ${n}`, categoryId: category.id, ...product });
        products.push({ id, ...product });
      }
    } finally {
      // The servers own the database from here on.
      await orm.close(true);
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(started.map((server) => server.stop()));
    await Promise.all(orms.map((orm) => orm.close(true)));
    await database?.destroy();
  });

  describe(`a bank on two API processes sharing one database (${options.label})`, () => {
    it(`${TRANSFERS} concurrent requests (transfers, purchases, cancellations), a SIGKILLed server, and the books balance to the cent`, async (context) => {
      options.skip(context);
      const began = Date.now();
      const failures: string[] = [];
      const fail = (message: string) => {
        if (failures.length < 50) failures.push(message);
      };

      const start = async () => {
        const server = await startApiProcess({ databaseUrl, env: options.env?.() ?? {} });
        started.push(server);
        return server;
      };
      const slots = await Promise.all([start(), start()]);
      const [victim, survivor] = slots as [ApiProcess, ApiProcess];

      const killed = new Set<ApiProcess>();
      const down = new Set<ApiProcess>();
      const servedBy = new Map<number, number>(); // pid → answers
      let replacement: ApiProcess | undefined;
      let replacementReady: Promise<ApiProcess> | undefined;

      /** Kills the victim now (no warning to the clients: they find out from their failed requests). */
      const killVictim = () => {
        killed.add(victim);
        const gone = victim.kill(); // the signal is sent synchronously, before anything else runs
        replacementReady = (async () => {
          expect(await gone).toBe('signal SIGKILL');
          const server = await start();
          replacement = server;
          slots[slots.indexOf(victim)] = server;
          return server;
        })();
        replacementReady.catch(() => {}); // awaited below, and by every client past REPLACEMENT_BY
      };

      // What the clients observed.
      const statusCounts: Record<number, number> = {};
      const succeeded = new Map<string, number>(); // idempotency key → transfer id (each key once)
      let applied = 0; // 200, replayed: false
      let replays = 0; // deliberate replays answered 200, replayed: true
      let recovered = 0; // unknown outcomes (killed in flight) whose retry found the transfer already made
      let unknownOutcomes = 0; // requests that failed with a network error on the killed server, then retried
      const killErrors: Record<string, number> = {}; // those network errors, by message
      let overdraftsRefused = 0;
      let insufficientOther = 0;
      let claimed = 0;

      /**
       * Sends one transfer, alternating servers; a network error from the killed server is an unknown outcome:
       * the same request (same idempotency key) goes to a live server, and the final answer counts.
       */
      const send = async (customer: Customer, turn: number, input: unknown, path = 'accounts.transfer') => {
        let retried = false;
        for (let attempt = 0; attempt < 5; attempt++) {
          const live = slots.filter((server) => !down.has(server));
          const server = live[(turn + customer.index + attempt) % live.length] as ApiProcess;
          const outcome = await postMutation(server, customer.token, path, input);
          if (outcome.kind === 'network') {
            if (killed.has(server)) {
              killErrors[outcome.error] = (killErrors[outcome.error] ?? 0) + 1;
              down.add(server);
              if (!retried) unknownOutcomes++;
              retried = true;
              continue;
            }
            fail(`network error from live server ${server.pid} for ${JSON.stringify(input)}: ${outcome.error}`);
            return { outcome, retried };
          }
          statusCounts[outcome.status] = (statusCounts[outcome.status] ?? 0) + 1;
          servedBy.set(server.pid, (servedBy.get(server.pid) ?? 0) + 1);
          return { outcome, retried };
        }
        fail(`${JSON.stringify(input)}: no live server answered in 5 attempts`);
        return { outcome: undefined, retried };
      };

      // Read-backs: from the server that did not answer the write, what the customer must see at once there
      // too (its ledger, its order: primary reads), and the product it bought (a catalog read a replica may
      // answer: it must answer, fresh or not).
      const readBacks = { ledger: 0, order: 0, product: 0 };
      const readBack = async (
        customer: Customer,
        after: ApiProcess,
        read: { path: string; input: unknown; token: string | null; kind: keyof typeof readBacks },
        holds: (data: unknown) => boolean,
      ) => {
        const server = slots.find((slot) => slot !== after && !down.has(slot)) ?? after;
        const answer = await getQuery(server, read.token, read.path, read.input);
        if (answer.status === 'network' && killed.has(server)) return; // the server killed on purpose
        const what = `read-back by customer ${customer.index} of ${read.path} ${JSON.stringify(read.input)} from server ${server.pid}`;
        if (answer.status !== 200) fail(`${what} → ${answer.status} ${answer.message ?? ''}`);
        else if (!holds(answer.data))
          fail(`${what}: not what was written, ${JSON.stringify(answer.data).slice(0, 300)}`);
        else readBacks[read.kind]++;
      };

      const totalOpening = [...opening.values()].reduce((sum, cents) => sum + cents, 0n);
      const allAccounts = [...opening.keys()];

      const client = async (customer: Customer) => {
        const history: { input: TransferInput; transferId: number }[] = [];
        for (let turn = 0; ; turn++) {
          if (claimed >= TRANSFERS) return;
          const n = claimed++;
          if (n === KILL_AT) killVictim();
          if (n >= REPLACEMENT_BY && replacementReady) await replacementReady;

          const roll = random();
          if (roll > 1 - PURCHASE_RATE - CANCEL_RATE) {
            await shop(customer, turn, roll > 1 - CANCEL_RATE ? 'cancel' : 'buy');
            continue;
          }
          const kind =
            roll < REPLAY_RATE && history.length > 0
              ? 'replay'
              : roll < REPLAY_RATE + OVERDRAFT_RATE
                ? 'overdraft'
                : 'normal';
          let input: TransferInput;
          let original: number | undefined;
          if (kind === 'replay') {
            const previous = pick(history);
            input = previous.input;
            original = previous.transferId;
          } else {
            const fromAccountId = pick(customer.accounts);
            const toAccountId = pick(allAccounts.filter((id) => id !== fromAccountId));
            // An overdraft asks for more than all the money there is: no balance can cover it.
            const cents =
              kind === 'overdraft'
                ? totalOpening + 1n + BigInt(Math.floor(random() * 10_000))
                : 1n + BigInt(Math.floor(random() * 500));
            input = {
              fromAccountId,
              toAccountId,
              amount: fromCents(cents),
              idempotencyKey: `bank-${customer.index}-${turn}-${randomBytes(6).toString('hex')}`,
            };
          }

          const { outcome, retried } = await send(customer, turn, input);
          if (outcome?.kind !== 'answer') continue;
          const what = `${kind} ${JSON.stringify(input)} → ${outcome.status} ${outcome.code ?? ''} ${outcome.message ?? ''} (server ${outcome.server.pid})`;
          if (outcome.status >= 500) {
            fail(`5xx: ${what}`);
            continue;
          }
          if (outcome.status === 200 && outcome.data) {
            const { transfer, replayed } = outcome.data;
            const key = input.idempotencyKey;
            if (kind === 'replay') {
              if (!replayed || transfer.id !== original)
                fail(`replay not recognised: ${what} ${JSON.stringify(outcome.data)}`);
              else replays++;
              continue;
            }
            if (kind === 'overdraft') fail(`overdraft accepted: ${what}`);
            if (succeeded.has(key)) fail(`key answered 200 twice: ${what}`);
            if (replayed && !retried) fail(`a fresh key answered replayed: ${what}`);
            if (
              transfer.fromAccountId !== input.fromAccountId ||
              transfer.toAccountId !== input.toAccountId ||
              transfer.amount !== input.amount ||
              transfer.idempotencyKey !== key
            ) {
              fail(`answer does not match the request: ${what} ${JSON.stringify(transfer)}`);
            }
            succeeded.set(key, transfer.id);
            if (replayed) recovered++;
            else applied++;
            history.push({ input, transferId: transfer.id });
            if (options.readBack && random() < READ_BACK_RATE) {
              const read = { path: 'accounts.ledger', input: { accountId: input.fromAccountId, perPage: 100 } };
              await readBack(customer, outcome.server, { ...read, token: customer.token, kind: 'ledger' }, (data) =>
                (data as { items: { id: number }[] }).items.some((row) => row.id === transfer.id),
              );
            }
            continue;
          }
          if (outcome.status === 422 && outcome.code === 'UNPROCESSABLE_CONTENT') {
            if (kind === 'overdraft') overdraftsRefused++;
            else if (kind === 'normal')
              insufficientOther++; // a balance that ran low: legitimate
            else fail(`replay refused: ${what}`);
            continue;
          }
          fail(`unexpected answer: ${what}`);
        }
      };

      // Purchases and cancellations: what the clients observed of them.
      const orders = new Map<number, string>(); // order id → the status the clients last saw
      const ordersOf = new Map<Customer, number[]>();
      let soldOut = 0;
      const shop = async (customer: Customer, turn: number, action: 'buy' | 'cancel') => {
        if (action === 'cancel') {
          const mine = (ordersOf.get(customer) ?? []).filter((id) => orders.get(id) === 'placed');
          if (mine.length === 0) return;
          const id = pick(mine);
          const { outcome, retried } = await send(customer, turn, { id }, 'orders.cancel');
          if (outcome?.kind !== 'answer') return;
          if (outcome.status === 200 && outcome.data?.status === 'cancelled') orders.set(id, 'cancelled');
          // A cancellation the killed server made before dying: its retry finds the order cancelled already.
          else if (outcome.status === 409 && retried) orders.set(id, 'cancelled?');
          else fail(`cancel ${id} → ${outcome.status} ${outcome.code ?? ''} ${outcome.message ?? ''}`);
          return;
        }
        const product = pick(products);
        const input = {
          accountId: pick(customer.accounts),
          lines: [{ productId: product.id, quantity: 1 }],
          idempotencyKey: `buy-${customer.index}-${turn}-${randomBytes(6).toString('hex')}`,
        };
        const { outcome } = await send(customer, turn, input, 'orders.checkout');
        if (outcome?.kind !== 'answer') return;
        if (outcome.status === 200 && outcome.data?.order) {
          if (outcome.data.order.total !== product.price)
            fail(`order priced ${outcome.data.order.total}, not ${product.price}`);
          const order = outcome.data.order;
          orders.set(order.id, order.status);
          ordersOf.set(customer, [...(ordersOf.get(customer) ?? []), order.id]);
          if (options.readBack && random() < READ_BACK_RATE) {
            const server = outcome.server;
            const byId = {
              path: 'orders.byId',
              input: { id: order.id },
              token: customer.token,
              kind: 'order' as const,
            };
            await readBack(customer, server, byId, (data) => (data as { id: number }).id === order.id);
            const item = { path: 'products.byId', input: { id: product.id }, token: null, kind: 'product' as const };
            await readBack(customer, server, item, (data) => (data as { id: number; stock: number }).stock >= 0);
          }
        } else if (outcome.status === 422)
          soldOut++; // sold out, or a balance that ran low: legitimate
        else fail(`checkout → ${outcome.status} ${outcome.code ?? ''} ${outcome.message ?? ''}`);
      };

      const load = Date.now();
      await Promise.all(customers.map(client));
      const loadMs = Date.now() - load;
      if (!replacementReady) throw new Error('the kill never happened');
      await replacementReady;

      // Graceful stops of the live servers: exit code 0, nothing on stderr.
      for (const server of [survivor, replacement as ApiProcess]) {
        const status = await server.stop();
        if (status !== 'code 0' || server.stderr())
          fail(`server ${server.pid} stopped with ${status}: ${server.stderr()}`);
      }

      // The books, from a fresh ORM on the database the servers used.
      const orm = await openOrm(target as DatabaseTarget);
      orms.push(orm);
      const em = orm.em.fork();
      const balances = (await em.execute('select id, balance from accounts order by id')) as {
        id: number;
        balance: string | number;
      }[];
      const rows = (await em.execute(
        'select id, kind, from_account_id, to_account_id, amount, idempotency_key from transfers order by id',
      )) as {
        id: number;
        kind: string;
        from_account_id: number | null;
        to_account_id: number | null;
        amount: string | number;
        idempotency_key: string;
      }[];
      const ledger = rows.filter((row) => row.kind === 'transfer');
      const [aggregate] = (await em.execute(
        'select round(sum(balance), 2) as total, count(*) as accounts, sum(case when balance < 0 then 1 else 0 end) as negative from accounts',
      )) as { total: string | number; accounts: number | string; negative: number | string }[];

      // Every balance is the sum of its ledger rows: the opening top-ups, transfers, payments and refunds.
      const expected = new Map<number, bigint>();
      for (const row of rows) {
        const cents = toCents(formatMoney(row.amount));
        if (row.from_account_id !== null)
          expected.set(row.from_account_id, (expected.get(row.from_account_id) ?? 0n) - cents);
        if (row.to_account_id !== null)
          expected.set(row.to_account_id, (expected.get(row.to_account_id) ?? 0n) + cents);
      }
      const orderRows = (await em.execute('select id, status, total from orders')) as {
        id: number;
        status: string;
        total: string | number;
      }[];
      const kept = orderRows.filter((order) => order.status !== 'cancelled');
      const keptTotal = kept.reduce((sum, order) => sum + toCents(formatMoney(order.total)), 0n);
      const [revenue] = (await em.execute("select balance from accounts where system_key = 'revenue'")) as {
        balance: string | number;
      }[];
      const stockNow = (await em.execute('select id, stock, in_stock from products')) as {
        id: number;
        stock: number;
        in_stock: unknown;
      }[];
      const [units] = (await em.execute(
        "select coalesce(sum(l.quantity), 0) as n from order_lines l join orders o on o.id = l.order_id where o.status <> 'cancelled'",
      )) as { n: number | string }[];
      const soldUnits = products.reduce(
        (sum, product) => sum + product.stock - Number(stockNow.find((p) => p.id === product.id)?.stock),
        0,
      );
      const statusMismatch = [...orders].filter(([id, seen]) => {
        const row = orderRows.find((order) => order.id === id);
        return !row || (seen === 'cancelled?' ? row.status !== 'cancelled' : row.status !== seen);
      });
      const actualTotal = balances.reduce((sum, row) => sum + toCents(formatMoney(row.balance)), 0n);
      const mismatched = balances
        .filter((row) => toCents(formatMoney(row.balance)) !== expected.get(row.id))
        .map((row) => `account ${row.id}: ${formatMoney(row.balance)} != ${fromCents(expected.get(row.id) ?? 0n)}`);
      const ledgerKeys = new Map(ledger.map((row) => [row.idempotency_key, row.id]));
      const unseen = ledger.filter((row) => succeeded.get(row.idempotency_key) !== row.id).map((row) => row.id);
      const missing = [...succeeded.keys()].filter((key) => !ledgerKeys.has(key));

      const summary = {
        run: options.label,
        seed: SEED,
        seconds: { total: (Date.now() - began) / 1000, load: loadMs / 1000 },
        statusCounts,
        applied,
        replays,
        recovered,
        unknownOutcomes,
        killErrors,
        overdraftsRefused,
        insufficientOther,
        distinctSucceeded: succeeded.size,
        orders: {
          seen: orders.size,
          inDatabase: orderRows.length,
          kept: kept.length,
          soldOut,
          units: Number(units?.n),
        },
        ...(options.readBack && { readBacks }),
        ledgerRows: ledger.length,
        servedBy: Object.fromEntries(servedBy),
        pids: { victim: victim.pid, survivor: survivor.pid, replacement: replacement?.pid },
        total: { opening: fromCents(totalOpening), balances: fromCents(actualTotal) },
      };
      console.log(`[bank] ${JSON.stringify(summary)}`);
      const context_ = `seed ${SEED} (BANK_SEED=${SEED} to repeat the payloads)`;

      expect(failures, context_).toEqual([]);
      expect(claimed).toBe(TRANSFERS);
      expect(Object.keys(statusCounts).filter((status) => Number(status) >= 500)).toEqual([]);
      expect(Object.keys(statusCounts).sort()).toEqual(expect.arrayContaining(['200', '422']));
      expect(overdraftsRefused).toBeGreaterThan(TRANSFERS * OVERDRAFT_RATE * 0.5);
      expect(replays).toBeGreaterThan(TRANSFERS * REPLAY_RATE * 0.5);
      expect(unknownOutcomes, 'no request was in flight to the killed server').toBeGreaterThan(0);
      // Every server answered some of the requests, the replacement included.
      for (const server of [victim, survivor, replacement as ApiProcess])
        expect(servedBy.get(server.pid)).toBeGreaterThan(0);

      // Money is neither created nor destroyed, no account goes negative, every balance is its ledger.
      expect(fromCents(actualTotal)).toBe(fromCents(totalOpening));
      expect(formatMoney(aggregate?.total ?? 'NaN')).toBe(fromCents(totalOpening));
      expect(await totalBalance(orm.em.fork())).toBe(fromCents(totalOpening));
      expect(Number(aggregate?.negative)).toBe(0);
      expect(balances.filter((row) => toCents(formatMoney(row.balance)) < 0n)).toEqual([]);
      expect(Number(aggregate?.accounts)).toBe(opening.size + (revenue ? 1 : 0));
      expect(mismatched).toEqual([]);
      // The shop: purchases happened and some found a product sold out; the revenue account holds exactly the
      // totals of the orders not cancelled; the units that left the stock are exactly the units in those orders;
      // stock never below zero nor disagreeing with in_stock; each order as the clients last saw it.
      expect(orders.size).toBeGreaterThan(0);
      expect(orderRows.length).toBe(orders.size);
      expect(formatMoney(revenue?.balance ?? '0')).toBe(fromCents(keptTotal));
      expect(soldUnits).toBe(Number(units?.n));
      expect(
        stockNow.filter((p) => Number(p.stock) < 0 || Boolean(Number(p.in_stock)) !== Number(p.stock) > 0),
      ).toEqual([]);
      expect(statusMismatch).toEqual([]);
      // One ledger row per distinct successful transfer the clients saw, and none they did not see.
      expect(ledger.length).toBe(succeeded.size);
      expect(applied + recovered).toBe(succeeded.size);
      expect(unseen).toEqual([]);
      expect(missing).toEqual([]);
      if (options.readBack) {
        expect(Math.min(...Object.values(readBacks)), 'every kind of read-back happened').toBeGreaterThan(0);
      }
      await options.afterRun?.();
    }, 180_000);
  });
}
