// Fuzzing every procedure of the router through the real HTTP pipeline (fastify's `inject`, no sockets;
// multipart bodies alone go over a socket): hostile inputs from anonymous callers, a signed-in customer and
// an admin. Every response must be a client's error at worst (no 5xx), leak no stack trace and no SQL, let
// no one past their access level, and the database must keep its invariants (every balance the sum of its
// ledger; stock never negative nor disagreeing with in_stock; orders with lines and their payments; no orphan
// rows).
//
// The procedures are read from the router itself, so a new one is fuzzed without touching this file: one
// test per router, one fast-check property (RUNS inputs) per procedure, one world per router.
// Deterministic by default; FUZZ_SEED, FUZZ_RUNS (inputs per procedure), FUZZ_ONLY (a procedure path) and
// FUZZ_PATH (fast-check's counterexample path, with FUZZ_SEED) override it. A failure prints the seed.
// FUZZ_KEEP_GOING=1 lists every distinct failure of a procedure instead of the first (shrunk) one;
// FUZZ_TIME_LIMIT_MS bounds the time per procedure (a procedure that runs out fails).
import { createHash, randomBytes } from 'node:crypto';
import {
  Account,
  assignRole,
  Category,
  createUser,
  type EntityManager,
  formatMoney,
  hashPassword,
  type IUser,
  openAccount,
  Product,
  Role,
  Session,
  Transfer,
  toCents,
  User,
  UserProfile,
} from '@shop/db';
import { type TestDatabase, useTestDatabase } from '@shop/db/testing';
import fc from 'fast-check';
import { pino } from 'pino';
import superjson from 'superjson';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiApp, createApiServer } from '../src/http/server.ts';
import type { Access, Meta } from '../src/trpc/init.ts';
import { appRouter } from '../src/trpc/router.ts';
import {
  type Caller,
  type FuzzCase,
  fuzzCaseArbitrary,
  inputSchemaOf,
  type RenderedRequest,
  renderRequest,
} from './support/fuzz-inputs.ts';
import { ENGINE_LEAKS, SQL_LEAKS, STACK_LEAKS } from './support/leaks.ts';

const { db } = useTestDatabase();

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const ONLY = process.env.FUZZ_ONLY;
const REPLAY_PATH = process.env.FUZZ_PATH;
/** Triage: run every input and list each distinct failure, instead of stopping (and shrinking) at the first. */
const KEEP_GOING = process.env.FUZZ_KEEP_GOING === '1';
/**
 * fast-check gives up (and fails) after this long on one procedure: only shrinking should get near it. 200
 * sign-ups (argon2 each) take about 15 s on two cores busy with every other suite, so the margin is wide.
 */
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 90_000);

interface ProcedureDef {
  _def: { type: 'query' | 'mutation' | 'subscription'; inputs: unknown[]; meta?: Meta };
}
const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;
const paths = Object.keys(procedures)
  .filter((path) => procedures[path]?._def.type !== 'subscription')
  .filter((path) => !ONLY || path === ONLY)
  .sort();

// ---------------------------------------------------------------------------------------------------------
// The world: users, roles, categories, products, accounts and a ledger row, plus what the fuzzer learns.

interface Member {
  id: number;
  token: string;
  username: string;
  email: string;
}

const passwordHashes = new Map<string, Promise<string>>();
const passwordHash = (password: string) => {
  if (!passwordHashes.has(password)) passwordHashes.set(password, hashPassword(password));
  return passwordHashes.get(password)!;
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const CUSTOMER_PASSWORD = 'customer-password';

class World {
  readonly members = new Map<Caller | 'other', Member>();
  /** Every account the fuzzer opened, with its opening balance (cents). */
  readonly openings = new Map<number, bigint>();
  private readonly ids: number[] = [];
  private readonly strings = new Map<string, string[]>();
  private counter = 0;

  private readonly database: TestDatabase;

  private constructor(database: TestDatabase) {
    this.database = database;
  }

  private em = () => this.database.orm.em.fork();

  /**
   * The fixture, in one unit of work (~50 worlds per file: services would take ~20 transactions each):
   * roles, the three members with sessions, two categories, two products, an account each, one ledger row
   * between the customers, and a profile of the other customer.
   */
  static async create(database: TestDatabase): Promise<World> {
    const world = new World(database);
    const em = world.em();
    const roles = { admin: em.create(Role, { name: 'admin' }), customer: em.create(Role, { name: 'customer' }) };
    const user = (slot: Caller | 'other', role: 'admin' | 'customer', passwordHash: string | null = null) => {
      const name = world.nextName(slot);
      const entity = em.create(User, { username: name, email: `${name}@example.com`, passwordHash });
      entity.roles.add(roles[role]);
      return entity;
    };
    // The customer has a password, so auth.login can succeed; every member signs in through a session.
    const users = {
      customer: user('customer', 'customer', await passwordHash(CUSTOMER_PASSWORD)),
      other: user('other', 'customer'),
      admin: user('admin', 'admin'),
    };
    const tokens = { customer: world.session(em, users.customer), other: '', admin: world.session(em, users.admin) };
    const books = em.create(Category, { name: 'Books' });
    const empty = em.create(Category, { name: '%_\\ empty' });
    const products = [
      em.create(Product, {
        name: 'Novel',
        price: '10.00',
        category: books,
        metadata: { pages: 320, tags: ['fiction'] },
        stock: 1000,
        inStock: true,
      }),
      em.create(Product, { name: '100% _Atlas_', price: '0.00', category: books, stock: 0, inStock: false }),
    ];
    // Opening top-ups of 100.00, 100.00 and 50.00; the transfer moved 1.50 from the other customer's.
    const accounts = {
      customer: em.create(Account, { owner: users.customer, balance: '101.50' }),
      other: em.create(Account, { owner: users.other, balance: '98.50' }),
      admin: em.create(Account, { owner: users.admin, balance: '50.00' }),
    };
    for (const [account, amount] of [
      [accounts.customer, '100.00'],
      [accounts.other, '100.00'],
      [accounts.admin, '50.00'],
    ] as const) {
      em.create(Transfer, { kind: 'top_up', fromAccount: null, toAccount: account, amount, reason: 'opening deposit' });
    }
    em.create(Transfer, { fromAccount: accounts.other, toAccount: accounts.customer, amount: '1.50' });
    em.create(UserProfile, { user: users.other, firstName: 'Bob', bio: 'other' });
    await em.flush();

    for (const slot of ['customer', 'other', 'admin'] as const) {
      const u = users[slot];
      world.members.set(slot, { id: u.id, token: tokens[slot], username: u.username, email: u.email });
      world.ids.push(u.id);
      world.remember('username', u.username);
      world.remember('email', u.email);
    }
    world.openings.set(accounts.customer.id, 10_000n);
    world.openings.set(accounts.other.id, 10_000n);
    world.openings.set(accounts.admin.id, 5_000n);
    world.ids.push(...Object.values(accounts).map((a) => a.id), books.id, empty.id, ...products.map((p) => p.id));
    world.remember('role', 'admin', 'customer');
    world.remember('password', CUSTOMER_PASSWORD);
    world.remember('identifier', users.customer.username, users.customer.email);
    world.remember('name', books.name, empty.name, ...products.map((p) => p.name));
    return world;
  }

  private nextName(slot: string): string {
    return `${slot}${++this.counter === 1 ? '' : this.counter}`;
  }

  /**
   * A session without an argon2 sign-in: a bearer token stored as its SHA-256, as `login` does (the
   * beforeEach hook checks that the API accepts it).
   */
  private session(em: EntityManager, user: IUser): string {
    const token = randomBytes(32).toString('base64url');
    em.create(Session, { user, tokenHash: sha256(token), expiresAt: new Date(Date.now() + 3_600_000) });
    return token;
  }

  /** A new user with this role and a session, through the services; it takes the slot over. */
  private async member(slot: Caller, role: string): Promise<Member> {
    const name = this.nextName(slot);
    const user = await createUser(this.em(), { username: name, email: `${name}@example.com` });
    await assignRole(this.em(), user.id, role);
    const em = this.em();
    const token = this.session(em, em.getReference(User, user.id));
    await em.flush();
    const member = { id: user.id, token, username: name, email: user.email };
    this.members.set(slot, member);
    this.ids.push(user.id);
    this.remember('username', name);
    this.remember('email', user.email);
    return member;
  }

  async openAccount(ownerId: number, balance: string): Promise<number> {
    const account = await openAccount(this.em(), ownerId, balance, 'any');
    this.openings.set(account.id, toCents(account.balance));
    this.ids.push(account.id);
    return account.id;
  }

  token(caller: Caller): string | null {
    return caller === 'anonymous' ? null : (this.members.get(caller)?.token ?? null);
  }

  /** A fresh customer or admin after the fuzzer signed one out, deactivated, deleted or demoted it. */
  async heal(caller: Exclude<Caller, 'anonymous'>): Promise<void> {
    const member = await this.member(caller, caller);
    if (caller === 'customer') await this.openAccount(member.id, '100.00');
  }

  /** Whether the user holds the admin role now. */
  async isAdmin(userId: number): Promise<boolean> {
    const row = await this.em()
      .getKysely<InvariantDB>()
      .selectFrom('user_roles as ur')
      .innerJoin('roles as r', 'r.id', 'ur.role_id')
      .select('r.id')
      .where('ur.user_id', '=', userId)
      .where('r.name', '=', 'admin')
      .executeTakeFirst();
    return row !== undefined;
  }

  remember(pool: string, ...values: string[]) {
    const list = this.strings.get(pool) ?? [];
    for (const value of values) if (!list.includes(value) && list.length < 200) list.push(value);
    this.strings.set(pool, list);
  }

  /** Ids and strings of successful outputs join the pools (new rows, cursors, names). */
  harvest(output: unknown, key = ''): void {
    if (typeof output === 'number' && (key === 'id' || /Id$/.test(key)) && Number.isSafeInteger(output)) {
      if (!this.ids.includes(output) && this.ids.length < 300) this.ids.push(output);
    } else if (typeof output === 'string' && output.length <= 200) {
      const pool = { nextCursor: 'after', username: 'username', email: 'email', name: 'name', roles: 'role' }[key];
      if (pool) this.remember(pool, output);
      if (key !== 'token') this.remember('string', output);
    } else if (Array.isArray(output)) {
      for (const item of output) this.harvest(item, key);
    } else if (output && typeof output === 'object' && !(output instanceof Date)) {
      for (const [k, v] of Object.entries(output)) this.harvest(v, k);
    }
  }

  readonly pools = (name: string): readonly unknown[] => {
    if (name === 'id') return this.ids;
    if (name === 'userId' || name === 'ownerId') return [...this.members.values()].map((m) => m.id);
    return this.strings.get(name) ?? this.strings.get('string') ?? [];
  };
}

// ---------------------------------------------------------------------------------------------------------
// What every response must satisfy.

/** Keys no output may carry. */
const SECRET_KEYS = new Set(['passwordHash', 'password_hash', 'tokenHash', 'token_hash']);

interface Item {
  status: number;
  error?: { message?: unknown; code?: unknown; data?: unknown };
  output?: unknown;
}

/** An HTTP answer, from `app.inject` or a socket. */
interface Answer {
  statusCode: number;
  body: string;
}

/** The calls of one response (one, or several for a batch), decoded as a tRPC client would. */
function itemsOf(response: Answer, problems: string[]): Item[] {
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    problems.push(`the body is not JSON: ${truncate(response.body)}`);
    return [{ status: response.statusCode }];
  }
  const list = Array.isArray(body) ? body : [body];
  return list.map((entry: { error?: { json?: Item['error'] }; result?: { data?: unknown } }) => {
    if (entry?.error) {
      const error = entry.error.json ?? (entry.error as Item['error']);
      const data = error?.data as { httpStatus?: number } | undefined;
      return { status: data?.httpStatus ?? response.statusCode, error };
    }
    if (entry?.result) {
      try {
        return {
          status: response.statusCode,
          output: superjson.deserialize(entry.result.data as Parameters<typeof superjson.deserialize>[0]),
        };
      } catch (error) {
        problems.push(`a client cannot decode the result: ${String(error)}`);
        return { status: response.statusCode };
      }
    }
    problems.push(`neither a result nor an error: ${truncate(JSON.stringify(entry))}`);
    return { status: response.statusCode };
  });
}

/** Strings of a value, with their path. */
function stringsOf(value: unknown, path = '', out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) stringsOf(item, `${path}.${i}`, out);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push([`${path}.<key>`, key]);
      stringsOf(item, `${path}.${key}`, out);
    }
  }
  return out;
}

/** The forms in which a message may quote the request's strings back (as sent, trimmed, lower-cased, escaped). */
function echoVariants(echoes: readonly string[]): string[] {
  const variants = new Set<string>();
  for (const echo of echoes) {
    for (const variant of [echo, echo.trim(), echo.toLowerCase(), JSON.stringify(echo).slice(1, -1)]) {
      if (variant.length >= 3) variants.add(variant);
    }
  }
  // Longest first, so a quoted input is removed whole before its parts.
  return [...variants].sort((a, b) => b.length - a.length);
}

/** The patterns `text` matches once every quoted piece of the input is removed from it. */
function leaksIn(text: string, patterns: readonly RegExp[], echoes: () => string[]): RegExp[] {
  if (!patterns.some((pattern) => pattern.test(text))) return [];
  let clean = text;
  for (const variant of echoes()) if (clean.includes(variant)) clean = clean.split(variant).join('«input»');
  return patterns.filter((pattern) => pattern.test(clean));
}

function keysOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysOf(item, out);
  else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      out.add(key);
      keysOf(item, out);
    }
  }
  return out;
}

/** Fields naming a user, in outputs of `owner` procedures: a customer may only see their own. */
function foreignOwners(value: unknown, self: number, out: number[] = []): number[] {
  if (Array.isArray(value)) for (const item of value) foreignOwners(item, self, out);
  else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      if ((key === 'ownerId' || key === 'userId') && typeof item === 'number' && item !== self) out.push(item);
      else foreignOwners(item, self, out);
    }
  }
  return out;
}

/**
 * Checks one response. Access problems go to `denied`: they hold only if the caller still has the roles it
 * started with (the admin's fuzzing may have made the customer an admin).
 */
function inspect(
  access: Access,
  fuzzCase: FuzzCase,
  request: Pick<RenderedRequest, 'echoes'>,
  response: Answer,
  items: Item[],
  self: number | undefined,
  problems: string[],
  denied: string[],
) {
  let variants: string[] | undefined;
  const echoes = () => {
    variants ??= echoVariants(request.echoes);
    return variants;
  };
  if (response.statusCode >= 500) problems.push(`HTTP ${response.statusCode}`);
  for (const item of items) {
    if (item.status >= 500) problems.push(`a call answered ${item.status}`);
    if (item.error) {
      for (const [where, text] of stringsOf(item.error)) {
        if (leaksIn(text, STACK_LEAKS, echoes).length) problems.push(`stack trace in error${where}: ${truncate(text)}`);
        if (leaksIn(text, SQL_LEAKS, echoes).length)
          problems.push(`SQL/schema text in error${where}: ${truncate(text)}`);
        if (leaksIn(text, ENGINE_LEAKS, echoes).length)
          problems.push(`JavaScript engine text in error${where}: ${truncate(text)}`);
      }
    }
    if ('output' in item) {
      for (const key of keysOf(item.output)) if (SECRET_KEYS.has(key)) problems.push(`output carries "${key}"`);
      if (access !== 'public' && fuzzCase.caller === 'anonymous')
        problems.push(`anonymous caller succeeded on ${access} procedure`);
      if (access === 'admin' && fuzzCase.caller === 'customer') denied.push('customer succeeded on admin procedure');
      if (access === 'owner' && fuzzCase.caller === 'customer' && self !== undefined) {
        const foreign = foreignOwners(item.output, self);
        if (foreign.length) denied.push(`customer ${self} was shown rows of users ${foreign.join(', ')}`);
      }
    }
  }
  const prototypes = [Object.prototype, Array.prototype, Function.prototype] as unknown as Record<string, unknown>[];
  if (prototypes.some((p) => 'polluted' in p)) {
    for (const p of prototypes) delete p.polluted;
    problems.push('Object/Array/Function.prototype was polluted');
  }
}

const truncate = (text: string, max = 600) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

// ---------------------------------------------------------------------------------------------------------
// Money the fuzzer moved, from successful responses (the ledger itself is read from the database).

type Effect = (world: World, input: Record<string, unknown>, output: Record<string, unknown>) => void;

const cents = (amount: unknown) => toCents(formatMoney(String(amount)));

/**
 * The procedures that open accounts (every balance change is a ledger row, read from the database; an
 * account no successful call opened shows up as an invariant, pointing at this table).
 */
const MONEY_EFFECTS: Record<string, Effect> = {
  'accounts.open': (world, _input, output) => world.openings.set(output.id as number, cents(output.balance)),
};

// ---------------------------------------------------------------------------------------------------------
// Database invariants, checked with SQL after each procedure's fuzzing.

interface InvariantDB {
  accounts: { id: number; owner_id: number | null; system_key: string | null; balance: string | number };
  transfers: {
    id: number;
    kind: string;
    from_account_id: number | null;
    to_account_id: number | null;
    order_id: number | null;
    amount: string | number;
  };
  orders: { id: number; status: string; total: string | number };
  order_lines: { id: number; order_id: number };
  users: { id: number };
  roles: { id: number; name: string };
  categories: { id: number };
  products: { id: number; category_id: number; stock: number; in_stock: unknown };
  user_roles: { user_id: number; role_id: number };
  user_profiles: { id: number; user_id: number };
  sessions: { id: number; user_id: number };
}

async function invariantViolations(world: World, em: EntityManager): Promise<string[]> {
  const k = em.getKysely<InvariantDB>();
  const problems: string[] = [];
  // [what, child table, its reference column, parent table]: a child row whose parent is missing.
  const orphans: [string, string, string, string][] = [
    ['products without category', 'products', 'category_id', 'categories'],
    ['accounts without owner', 'accounts', 'owner_id', 'users'],
    ['user_roles without user', 'user_roles', 'user_id', 'users'],
    ['user_roles without role', 'user_roles', 'role_id', 'roles'],
    ['transfers from a missing account', 'transfers', 'from_account_id', 'accounts'],
    ['transfers to a missing account', 'transfers', 'to_account_id', 'accounts'],
    ['profiles without user', 'user_profiles', 'user_id', 'users'],
    ['sessions without user', 'sessions', 'user_id', 'users'],
    ['orders without buyer', 'orders', 'buyer_id', 'users'],
    ['orders without account', 'orders', 'account_id', 'accounts'],
    ['order lines without order', 'order_lines', 'order_id', 'orders'],
    ['ledger rows of a missing order', 'transfers', 'order_id', 'orders'],
  ];
  for (const [what, child, column, parent] of orphans) {
    // Constant names only (no input reaches this SQL).
    const rows = await em.execute<{ id: unknown }[]>(
      `select c.${column} as id from ${child} c left join ${parent} p on p.id = c.${column} where c.${column} is not null and p.id is null`,
    );
    if (rows.length) problems.push(`${what}: ${rows.map((r) => r.id).join(', ')}`);
  }

  // Every balance is the sum of its ledger rows (top-ups and withdrawals included).
  const ledger = new Map<number, bigint>();
  const paid = new Map<number, string[]>();
  const rows = await k
    .selectFrom('transfers')
    .select(['kind', 'from_account_id', 'to_account_id', 'order_id', 'amount'])
    .execute();
  for (const t of rows) {
    const amount = cents(formatMoney(t.amount));
    if (amount <= 0n) problems.push(`a ledger row of ${formatMoney(t.amount)}`);
    if (t.from_account_id !== null) ledger.set(t.from_account_id, (ledger.get(t.from_account_id) ?? 0n) - amount);
    if (t.to_account_id !== null) ledger.set(t.to_account_id, (ledger.get(t.to_account_id) ?? 0n) + amount);
    if (t.order_id !== null) paid.set(t.order_id, [...(paid.get(t.order_id) ?? []), t.kind]);
  }
  for (const account of await k.selectFrom('accounts').select(['id', 'balance', 'system_key']).execute()) {
    const balance = cents(formatMoney(account.balance));
    if (balance < 0n) problems.push(`account ${account.id} has a negative balance ${formatMoney(account.balance)}`);
    if (account.system_key === null && !world.openings.has(account.id)) {
      problems.push(`account ${account.id} exists but no successful call opened it`);
    }
    if (balance !== (ledger.get(account.id) ?? 0n)) {
      problems.push(
        `account ${account.id}: balance ${formatMoney(account.balance)} ≠ its ledger ${ledger.get(account.id) ?? 0n} (cents)`,
      );
    }
  }
  // Stock never negative and in_stock never disagreeing with it; every order has lines, and its payment
  // (and, once cancelled, its refund) when it cost something.
  for (const p of await k.selectFrom('products').select(['id', 'stock', 'in_stock']).execute()) {
    if (Number(p.stock) < 0 || Boolean(Number(p.in_stock)) !== Number(p.stock) > 0) {
      problems.push(`product ${p.id}: stock ${p.stock}, in_stock ${String(p.in_stock)}`);
    }
  }
  const withLines = new Set((await k.selectFrom('order_lines').select('order_id').execute()).map((l) => l.order_id));
  for (const order of await k.selectFrom('orders').select(['id', 'status', 'total']).execute()) {
    if (!withLines.has(order.id)) problems.push(`order ${order.id} has no lines`);
    const expected =
      cents(formatMoney(order.total)) === 0n ? [] : order.status === 'cancelled' ? ['payment', 'refund'] : ['payment'];
    const actual = (paid.get(order.id) ?? []).sort();
    if (actual.join() !== expected.join())
      problems.push(`order ${order.id} (${order.status}): ledger ${actual.join() || 'none'}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------

/** The server's own error log (never sent to clients): shown with a failure, for its diagnosis. */
const serverErrors: string[] = [];
const log = pino(
  { level: 'error' },
  {
    write: (line: string) => {
      const entry = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string; stack?: string } };
      // Frames as "↳ fn (file:line)": lines starting with "at" would be read as this test's own stack.
      const stack =
        entry.err?.stack
          ?.split('\n')
          .slice(0, 8)
          .map((line) => line.trim().replace(/^at /, '↳ '))
          .join('\n      ') ??
        entry.err?.message ??
        '';
      serverErrors.push(`${entry.msg}: ${stack}`);
    },
  },
);
let app: ApiApp | undefined;
let world: World;

beforeEach(async () => {
  world = await World.create(db());
  app = createApiServer({ orm: db().orm, log }).app;
  await app.ready();
  // The sessions made without argon2 are accepted by the real pipeline.
  for (const caller of ['customer', 'admin'] as const) {
    const me = await app.inject({ method: 'GET', url: '/trpc/auth.me', headers: auth(world.token(caller)) });
    expect(me.statusCode, `${caller} session`).toBe(200);
  }
});

afterEach(async () => {
  await app?.close();
  app = undefined;
});

function auth(token: string | null, bogus?: string): Record<string, string> {
  if (token) return { authorization: `Bearer ${token}` };
  return bogus ? { authorization: bogus } : {};
}

/** Sends one case; returns what is wrong with the answer (empty: fine). Records money and pools. */
async function send(path: string, procedure: ProcedureDef, fuzzCase: FuzzCase): Promise<string[]> {
  const { type, meta } = procedure._def;
  const access = meta?.access ?? 'public';
  const request = renderRequest(path, type as 'query' | 'mutation', fuzzCase.wire, world.pools);
  const self = fuzzCase.caller === 'anonymous' ? undefined : world.members.get(fuzzCase.caller)?.id;
  serverErrors.length = 0;
  // The statement log (for N+1 assertions elsewhere) would keep every SQL text, 100 kB inputs inlined.
  db().queries.length = 0;
  const response = await app!.inject({
    method: request.method,
    url: request.url,
    headers: { ...request.headers, ...auth(world.token(fuzzCase.caller), fuzzCase.authorization) },
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
  const problems: string[] = [];
  const denied: string[] = [];
  const items = itemsOf(response, problems);
  inspect(access, fuzzCase, request, response, items, self, problems, denied);
  if (denied.length && self !== undefined) {
    if (await world.isAdmin(self)) await world.heal('customer');
    else problems.push(...denied);
  }

  for (const item of items) {
    if (!('output' in item)) continue;
    world.harvest(item.output);
    const effect = MONEY_EFFECTS[path];
    if (effect && request.input && typeof request.input === 'object') {
      effect(world, request.input as Record<string, unknown>, item.output as Record<string, unknown>);
    }
  }
  // The fuzzer signed the caller out, deactivated, deleted or demoted it: a new one takes the slot.
  if (fuzzCase.caller !== 'anonymous') {
    const lost = items.some(
      (i) => (i.status === 401 && access !== 'public') || (fuzzCase.caller === 'admin' && i.status === 403),
    );
    if (lost) await world.heal(fuzzCase.caller);
  }
  if (problems.length) {
    return [
      ...new Set(problems),
      `request: ${request.method} ${truncate(request.url, 400)}${request.payload === undefined ? '' : ` body ${truncate(request.payload, 400)}`}`,
      `response: ${response.statusCode} ${truncate(response.body)}`,
      ...serverErrors.map((line) => `server log: ${truncate(line, 2_000)}`),
    ];
  }
  return [];
}

/**
 * Fuzzes one procedure: RUNS cases through fast-check, then the database invariants. Returns what failed
 * (with the seed and path that replay it), or null.
 */
async function fuzzProcedure(path: string, checkInvariants: boolean): Promise<string | null> {
  const procedure = procedures[path]!;
  const schema = inputSchemaOf(procedure._def.inputs);
  let sent = 0;
  const distinct = new Map<string, string>();
  // An interrupted run stops waiting for its predicate, which keeps going: the request still in flight must end
  // before the next test empties the database (it once re-created a role beside the next test's fixture).
  let inFlight: Promise<unknown> = Promise.resolve();
  const property = fc.asyncProperty(fuzzCaseArbitrary(schema), async (fuzzCase) => {
    sent++;
    const sending = send(path, procedure, fuzzCase);
    inFlight = sending.catch(() => undefined);
    const problems = await sending;
    if (!problems.length) return;
    const report = `${fuzzCase.caller}: ${problems.join('\n  ')}`;
    if (!KEEP_GOING) throw new Error(report);
    // One entry per kind of failure: its problems and the server's error, numbers and quotes blurred.
    const kind = problems
      .filter((line) => !/^(request|response):/.test(line))
      .map((line) =>
        line
          .split('\n')[0]!
          .replace(/\d+/g, 'N')
          .replace(/"[^"]*"/g, '"…"'),
      )
      .join(' | ');
    if (!distinct.has(kind)) distinct.set(kind, `${report}\n  case: ${truncate(fc.stringify(fuzzCase), 1_000)}`);
  });
  const replay = `FUZZ_SEED=${SEED} FUZZ_ONLY=${path}`;
  let details: fc.RunDetails<unknown>;
  try {
    details = await fc.check(property, {
      seed: SEED,
      numRuns: RUNS,
      ...(REPLAY_PATH ? { path: REPLAY_PATH } : {}),
      plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS, { failOnInterrupt: true })],
    });
  } catch (error) {
    // The time limit (an interrupted run counts as failed) reports by throwing.
    await inFlight;
    return `${path}: ${error instanceof Error ? error.message : String(error)} after ${sent} requests (${replay})`;
  }
  if (details.failed) {
    const error =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    return (
      `${path}: failed after ${sent} requests. Replay: ${replay}` +
      `${details.counterexamplePath ? ` FUZZ_PATH=${details.counterexamplePath}` : ''}\n` +
      `${fc.defaultReportMessage(details) ?? ''}\n${error}`
    );
  }
  if (distinct.size)
    return `${path}: ${distinct.size} kinds of failure (${replay}):\n\n${[...distinct.values()].join('\n\n')}`;
  if (sent < RUNS) return `${path}: only ${sent} of ${RUNS} inputs were sent`;
  if (!checkInvariants) return null;
  const broken = await invariantViolations(world, db().orm.em.fork());
  return broken.length
    ? `${path}: database invariants broken after fuzzing (${replay}):\n  ${broken.join('\n  ')}`
    : null;
}

/** Procedures by router ("accounts.deposit" → "accounts"): one test and one world per router. */
const routers = new Map<string, string[]>();
for (const path of paths) {
  const router = path.split('.')[0]!;
  routers.set(router, [...(routers.get(router) ?? []), path]);
}

describe('fuzzing every procedure over HTTP', () => {
  it('finds the procedures in the router', () => {
    expect(paths.length).toBeGreaterThan(ONLY ? 0 : 10);
  });

  // tRPC's fastify adapter streams multipart bodies itself, from the socket: `inject` cannot stand in.
  it('answers multipart bodies over a socket', async () => {
    const server = createApiServer({ orm: db().orm, log });
    const base = await server.listen(0, '127.0.0.1');
    const problems: string[] = [];
    try {
      for (const path of paths.filter((p) => procedures[p]?._def.type === 'mutation')) {
        for (const caller of ['anonymous', 'admin'] as const) {
          const form = new FormData();
          form.append('json', '{"id":1}');
          form.append('__proto__', 'x');
          form.append('file', new Blob(['\u0000'.repeat(10)]), '../../etc/passwd');
          const bodies: { body: FormData | string; headers?: Record<string, string> }[] = [
            { body: form },
            {
              body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n',
              headers: { 'content-type': 'multipart/form-data; boundary=x' },
            },
            { body: '{"json":{}}', headers: { 'content-type': 'multipart/form-data' } },
          ];
          for (const { body, headers } of bodies) {
            const response = await fetch(`${base}/${path}`, {
              method: 'POST',
              body,
              headers: { ...headers, ...auth(world.token(caller)) },
            });
            const answer = { statusCode: response.status, body: await response.text() };
            const found: string[] = [];
            const fuzzCase: FuzzCase = { caller, wire: { kind: 'none' } };
            const access = procedures[path]?._def.meta?.access ?? 'public';
            inspect(
              access,
              fuzzCase,
              { echoes: ['../../etc/passwd', '__proto__'] },
              answer,
              itemsOf(answer, found),
              undefined,
              found,
              [],
            );
            if (found.length)
              problems.push(`${path} as ${caller}: ${found.join('; ')} → ${truncate(answer.body, 300)}`);
          }
        }
      }
    } finally {
      await server.close();
    }
    expect(problems).toEqual([]);
  });

  it.each([...routers])(
    '%s',
    async (_router, routerPaths) => {
      const failures: string[] = [];
      for (const path of routerPaths) {
        // Once an invariant is broken, later procedures of the router would only repeat it.
        const failure = await fuzzProcedure(path, !failures.some((f) => f.includes('invariants broken')));
        if (failure) failures.push(failure);
      }
      if (failures.length) throw new Error(failures.join('\n\n────────\n\n'));
    },
    // Normally about a second per procedure; the limit only matters while fast-check shrinks failures.
    TIME_LIMIT_MS * Math.max(...[...routers.values()].map((list) => list.length)) + 30_000,
  );
});
