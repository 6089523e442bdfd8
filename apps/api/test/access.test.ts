// Who may call what: every procedure × {anonymous, owner customer, other customer, admin}. The level is
// read from the procedure's own declaration (`meta.access`); a procedure added to the router without a
// call here fails the first test.
import { checkout, createCategory, createProduct, createUser, openAccount, shipOrder, upsertProfile } from '@shop/db';
import { useTestDatabase } from '@shop/db/testing';
import { TRPCError } from '@trpc/server';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Access, Meta } from '../src/trpc/init.ts';
import { appRouter } from '../src/trpc/router.ts';
import { callerFor, signedInUser } from './caller.ts';

const { db } = useTestDatabase();

type Api = ReturnType<typeof callerFor>;
type Who = 'anonymous' | 'owner' | 'other' | 'admin';

interface World {
  owner: { id: number; token: string; accountId: number };
  other: { id: number; token: string; accountId: number };
  admin: { id: number; token: string };
  categoryId: number;
  productId: number;
  unique: () => string;
}

let world: World;
beforeEach(async () => {
  const d = db();
  const em = () => d.orm.em.fork();
  const admin = await signedInUser(d, 'root', ['admin']);
  const owner = await signedInUser(d, 'alice', ['customer']);
  const other = await signedInUser(d, 'bob', ['customer']);
  const category = await createCategory(em(), 'Books');
  const product = await createProduct(em(), { name: 'Novel', price: '10.00', stock: 100, categoryId: category.id });
  let n = 0;
  world = {
    admin,
    owner: { ...owner, accountId: (await openAccount(em(), owner.id, '100.00', 'any')).id },
    other: { ...other, accountId: (await openAccount(em(), other.id, '100.00', 'any')).id },
    categoryId: category.id,
    productId: product.id,
    unique: () => `u${++n}x${Math.random().toString(36).slice(2, 8)}`,
  };
});

const em = () => db().orm.em.fork();
/** An order of the owner's, placed directly through the service. */
const ownersOrder = async (w: World) =>
  (
    await checkout(em(), w.owner.id, {
      accountId: w.owner.accountId,
      lines: [{ productId: w.productId, quantity: 1 }],
      idempotencyKey: `${w.unique()}-key`,
    })
  ).order.id;
const freshUser = async (w: World) => createUser(em(), { username: w.unique(), email: `${w.unique()}@example.com` });

/** Each row: a call that succeeds whenever the caller is allowed. */
const rules: Record<string, { call: (api: Api, w: World) => Promise<unknown> }> = {
  'health.live': { call: (api) => api.health.live() },
  'health.ready': { call: (api) => api.health.ready() },
  'auth.register': {
    call: (api, w) =>
      api.auth.register({ username: w.unique(), email: `${w.unique()}@example.com`, password: 'password-123' }),
  },
  'auth.login': { call: (api) => api.auth.login({ identifier: 'alice', password: 'alice-password' }) },
  'auth.me': { call: (api) => api.auth.me() },
  'auth.logout': { call: (api) => api.auth.logout() },
  'users.create': {
    call: (api, w) => api.users.create({ username: w.unique(), email: `${w.unique()}@example.com` }),
  },
  'users.bulkCreate': {
    call: (api, w) => api.users.bulkCreate({ users: [{ username: w.unique(), email: `${w.unique()}@example.com` }] }),
  },
  'users.byId': { call: (api, w) => api.users.byId({ id: w.owner.id }) },
  'users.byUsername': { call: (api) => api.users.byUsername({ username: 'alice' }) },
  'users.list': { call: (api) => api.users.list({}) },
  'users.search': { call: (api) => api.users.search({ username: 'ali' }) },
  'users.replace': {
    call: async (api, w) => {
      const user = await freshUser(w);
      return api.users.replace({ id: user.id, username: w.unique(), email: `${w.unique()}@example.com` });
    },
  },
  'users.update': {
    call: async (api, w) => api.users.update({ id: (await freshUser(w)).id, patch: { isActive: false } }),
  },
  'users.setActive': {
    call: async (api, w) => api.users.setActive({ ids: [(await freshUser(w)).id], isActive: false }),
  },
  'users.delete': { call: async (api, w) => api.users.delete({ id: (await freshUser(w)).id }) },
  'users.deleteInactive': { call: (api) => api.users.deleteInactive() },
  'users.count': { call: (api) => api.users.count() },
  'profiles.get': {
    call: async (api, w) => {
      await upsertProfile(em(), w.owner.id, { firstName: 'Alice' }, 'any');
      return api.profiles.get({ userId: w.owner.id });
    },
  },
  'profiles.upsert': { call: (api, w) => api.profiles.upsert({ userId: w.owner.id, bio: 'hello' }) },
  'profiles.delete': {
    call: async (api, w) => {
      await upsertProfile(em(), w.owner.id, { firstName: 'Alice' }, 'any');
      return api.profiles.delete({ userId: w.owner.id });
    },
  },
  'roles.create': { call: (api, w) => api.roles.create({ name: w.unique() }) },
  'roles.list': { call: (api) => api.roles.list() },
  'roles.assign': {
    call: async (api, w) => api.roles.assign({ userId: (await freshUser(w)).id, role: 'customer' }),
  },
  'roles.revoke': { call: (api, w) => api.roles.revoke({ userId: w.other.id, role: 'customer' }) },
  'roles.members': { call: (api) => api.roles.members({ role: 'customer' }) },
  'categories.create': { call: (api, w) => api.categories.create({ name: w.unique() }) },
  'categories.list': { call: (api) => api.categories.list() },
  'categories.byId': { call: (api, w) => api.categories.byId({ id: w.categoryId }) },
  'categories.update': {
    call: (api, w) => api.categories.update({ id: w.categoryId, name: w.unique() }),
  },
  'categories.delete': {
    call: async (api, w) => api.categories.delete({ id: (await createCategory(em(), w.unique())).id }),
  },
  'products.list': { call: (api) => api.products.list({}) },
  'products.cursorList': { call: (api) => api.products.cursorList({}) },
  'products.summaries': { call: (api) => api.products.summaries({}) },
  'products.byId': { call: (api, w) => api.products.byId({ id: w.productId }) },
  'products.create': {
    call: (api, w) => api.products.create({ name: 'Atlas', price: '5.00', categoryId: w.categoryId }),
  },
  'products.bulkCreate': {
    call: (api, w) => api.products.bulkCreate({ products: [{ name: 'Map', price: '1.00', categoryId: w.categoryId }] }),
  },
  'products.update': {
    call: (api, w) => api.products.update({ id: w.productId, patch: { stock: 0 } }),
  },
  'products.delete': {
    call: async (api, w) =>
      api.products.delete({
        id: (await createProduct(em(), { name: 'Tmp', price: '1.00', categoryId: w.categoryId })).id,
      }),
  },
  'stats.categoryStats': { call: (api) => api.stats.categoryStats({ minProducts: 0 }) },
  'stats.counts': { call: (api) => api.stats.counts() },
  'accounts.open': {
    call: (api, w) => api.accounts.open({ ownerId: w.owner.id, initialDeposit: '0' }),
  },
  'accounts.byId': { call: (api, w) => api.accounts.byId({ id: w.owner.accountId }) },
  'accounts.listForUser': { call: (api, w) => api.accounts.listForUser({ userId: w.owner.id }) },
  'accounts.deposit': {
    call: (api, w) => api.accounts.deposit({ accountId: w.owner.accountId, amount: '1.00', reason: 'a test' }),
  },
  'accounts.withdraw': {
    call: (api, w) => api.accounts.withdraw({ accountId: w.owner.accountId, amount: '1.00', reason: 'a test' }),
  },
  'accounts.transfer': {
    call: (api, w) =>
      api.accounts.transfer({ fromAccountId: w.owner.accountId, toAccountId: w.other.accountId, amount: '1.00' }),
  },
  'accounts.ledger': { call: (api, w) => api.accounts.ledger({ accountId: w.owner.accountId }) },
  'accounts.recipient': { call: (api) => api.accounts.recipient({ username: 'alice' }) },
  'orders.checkout': {
    // Whoever calls pays from an account of their own (admins too), here for a free product.
    call: async (api, w) => {
      const me = await api.auth.me();
      const account = await openAccount(em(), me.id, '0', 'any');
      const free = await createProduct(em(), { name: 'Map', price: '0.00', stock: 1, categoryId: w.categoryId });
      return api.orders.checkout({
        accountId: account.id,
        lines: [{ productId: free.id, quantity: 1 }],
        idempotencyKey: `${w.unique()}-key`,
      });
    },
  },
  'orders.byId': { call: async (api, w) => api.orders.byId({ id: await ownersOrder(w) }) },
  'orders.list': { call: (api, w) => api.orders.list({ buyerId: w.owner.id }) },
  'orders.cancel': { call: async (api, w) => api.orders.cancel({ id: await ownersOrder(w) }) },
  'orders.ship': { call: async (api, w) => api.orders.ship({ id: await ownersOrder(w) }) },
  'orders.deliver': {
    call: async (api, w) => {
      const id = await ownersOrder(w);
      await shipOrder(em(), id, 'any');
      return api.orders.deliver({ id });
    },
  },
};

const EXPECTED: Record<Access, Record<Who, 'allow' | TRPCError['code']>> = {
  public: { anonymous: 'allow', owner: 'allow', other: 'allow', admin: 'allow' },
  signedIn: { anonymous: 'UNAUTHORIZED', owner: 'allow', other: 'allow', admin: 'allow' },
  owner: { anonymous: 'UNAUTHORIZED', owner: 'allow', other: 'NOT_FOUND', admin: 'allow' },
  admin: { anonymous: 'UNAUTHORIZED', owner: 'FORBIDDEN', other: 'FORBIDDEN', admin: 'allow' },
};

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta } }>;
const accessOf = (path: string) => procedures[path]?._def.meta?.access as Access;

describe('authorization matrix', () => {
  it('has a rule for every procedure of the router', () => {
    expect(Object.keys(rules).sort()).toEqual(Object.keys(appRouter._def.procedures).sort());
  });

  it('declares an access level on every procedure', () => {
    const undeclared = Object.keys(procedures).filter((path) => !(accessOf(path) in EXPECTED));
    expect(undeclared).toEqual([]);
  });

  it.each(Object.keys(rules))('%s', async (path) => {
    const rule = rules[path]!;
    const level = accessOf(path);
    const outcomes: Record<string, string> = {};
    for (const who of ['anonymous', 'other', 'owner', 'admin'] as const) {
      // Fresh sign-ins per caller, so auth.logout in one row cannot sign out the others.
      const token =
        who === 'anonymous'
          ? null
          : path === 'auth.logout'
            ? (
                await callerFor(db()).auth.login({
                  identifier: { owner: 'alice', other: 'bob', admin: 'root' }[who],
                  password: `${{ owner: 'alice', other: 'bob', admin: 'root' }[who]}-password`,
                })
              ).token
            : world[who].token;
      const outcome = await rule.call(callerFor(db(), { token }), world).then(
        () => 'allow',
        (error: unknown) => (error instanceof TRPCError ? error.code : `unexpected: ${String(error)}`),
      );
      outcomes[who] = outcome;
    }
    expect(outcomes).toEqual({ ...EXPECTED[level] });
  });
});
