import { useTestDatabase } from '@shop/db/testing';
import { TRPCError } from '@trpc/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { adminCaller } from './caller.ts';

// Every procedure is exercised as an admin here (who may call all of them); who may call what is
// covered by access.test.ts. The admin is one extra user ("root") in every count below.
const { db } = useTestDatabase();
let admin: Awaited<ReturnType<typeof adminCaller>>['api'];
let adminId = 0;
beforeEach(async () => {
  const root = await adminCaller(db());
  admin = root.api;
  adminId = root.id;
});
const api = () => admin;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return (error as TRPCError).code;
}

/** Builds a small shop through the procedures and returns the ids. */
async function seed() {
  const caller = api();
  const [alice, bob] = await caller.users.bulkCreate({
    users: [
      { username: 'alice', email: 'alice@example.com', password: 'alice-password' },
      { username: 'bob', email: 'bob@example.com' },
    ],
  });
  const books = await caller.categories.create({ name: 'Books' });
  const games = await caller.categories.create({ name: 'Games' });
  const novel = await caller.products.create({
    name: 'Novel',
    price: '12.50',
    categoryId: books.id,
    metadata: { pages: 320 },
    stock: 5,
  });
  const chess = await caller.products.create({ name: 'Chess', price: '30.00', categoryId: games.id, stock: 0 });
  const a1 = await caller.accounts.open({ ownerId: alice!.id, initialDeposit: '100.00' });
  const b1 = await caller.accounts.open({ ownerId: bob!.id });
  return { alice: alice!, bob: bob!, books, games, novel, chess, a1, b1 };
}

describe('procedures (createCaller, real database)', () => {
  it('users: create, read, list, search, update, setActive, delete, deleteInactive, count', async () => {
    const caller = api();
    const { alice, bob } = await seed();
    expect(await caller.users.byId({ id: alice.id })).toMatchObject({ username: 'alice', email: 'alice@example.com' });
    expect((await caller.users.byUsername({ username: 'bob' })).id).toBe(bob.id);
    expect(await caller.users.list({ perPage: 1, page: 2 })).toMatchObject({ total: 3, pages: 3, hasPrev: true });
    expect((await caller.users.search({ username: 'LIC' })).items.map((u) => u.username)).toEqual(['alice']);
    expect(await caller.users.update({ id: bob.id, patch: { email: 'Bobby@Example.com' } })).toMatchObject({
      email: 'bobby@example.com',
    });
    expect(await caller.users.setActive({ ids: [bob.id], isActive: false })).toEqual({ updated: 1 });
    expect(await caller.users.count()).toEqual({ total: 3, active: 2 });
    expect(await caller.users.deleteInactive()).toEqual({ deleted: 1, keptWithBalance: 0, keptWithHistory: 0 });
    const carol = await caller.users.create({ username: 'carol', email: 'carol@example.com' });
    expect(await caller.users.delete({ id: carol.id })).toEqual({ id: carol.id, deleted: true });
  });

  it('profiles and roles', async () => {
    const caller = api();
    const { alice } = await seed();
    expect(await caller.profiles.upsert({ userId: alice.id, firstName: 'Alice', bio: 'Reads a lot' })).toMatchObject({
      firstName: 'Alice',
      lastName: null,
    });
    expect((await caller.profiles.get({ userId: alice.id })).bio).toBe('Reads a lot');
    await caller.roles.create({ name: 'editor' });
    expect((await caller.roles.assign({ userId: alice.id, role: 'editor' })).roles).toEqual(['editor']);
    expect((await caller.roles.members({ role: 'editor' })).items.map((u) => u.username)).toEqual(['alice']);
    expect((await caller.users.byId({ id: alice.id })).profile?.firstName).toBe('Alice');
    expect((await caller.roles.revoke({ userId: alice.id, role: 'editor' })).roles).toEqual([]);
    expect((await caller.roles.list()).map((r) => r.name)).toEqual(['admin', 'editor']);
    expect(await caller.profiles.delete({ userId: alice.id })).toEqual({ userId: alice.id, deleted: true });
  });

  it('catalog: categories, products (filters, order, page, cursor), stats', async () => {
    const caller = api();
    const { books, games, novel, chess } = await seed();
    expect((await caller.categories.list()).map((c) => c.name)).toEqual(['Books', 'Games']);
    expect((await caller.categories.update({ id: games.id, name: 'Board games' })).name).toBe('Board games');
    expect(await caller.products.byId({ id: novel.id })).toMatchObject({
      price: '12.50',
      category: { id: books.id, name: 'Books' },
      metadata: { pages: 320 },
    });
    const page = await caller.products.list({ orderBy: 'price', direction: 'desc' });
    expect(page.items.map((p) => p.name)).toEqual(['Chess', 'Novel']);
    expect((await caller.products.list({ inStock: true, maxPrice: '20' })).items.map((p) => p.id)).toEqual([novel.id]);
    const first = await caller.products.cursorList({ first: 1, orderBy: 'price' });
    expect(first.items.map((p) => p.id)).toEqual([novel.id]);
    const second = await caller.products.cursorList({ first: 1, orderBy: 'price', after: first.nextCursor });
    expect(second).toMatchObject({
      items: [expect.objectContaining({ id: chess.id })],
      hasNext: false,
      nextCursor: null,
    });
    expect(await caller.products.summaries({})).toEqual([
      { id: chess.id, name: 'Chess', price: '30.00' },
      { id: novel.id, name: 'Novel', price: '12.50' },
    ]);
    expect((await caller.products.update({ id: chess.id, patch: { price: '25.5' } })).price).toBe('25.50');
    expect(
      await caller.products.bulkCreate({ products: [{ name: 'Atlas', price: '5', categoryId: books.id }] }),
    ).toEqual({
      created: 1,
    });
    const lost = caller.products.bulkCreate({ products: [{ name: 'Lost', price: '5', categoryId: 99_999 }] });
    expect(await codeOf(lost)).toBe('NOT_FOUND');
    // nameContains with the category joined (both tables have a "name" column), in list and cursor list.
    expect((await caller.products.list({ nameContains: 'AT' })).items.map((p) => p.name)).toEqual(['Atlas']);
    expect((await caller.products.cursorList({ nameContains: 'ov' })).items.map((p) => p.name)).toEqual(['Novel']);
    expect(await caller.stats.categoryStats({ minProducts: 2 })).toEqual([
      {
        categoryId: books.id,
        name: 'Books',
        productCount: 2,
        minPrice: '5.00',
        maxPrice: '12.50',
        averagePrice: '8.75',
      },
    ]);
    expect(await caller.stats.counts()).toEqual({ users: 3, activeUsers: 3, products: 3, categories: 2 });
    expect(await caller.products.delete({ id: chess.id })).toEqual({ id: chess.id, deleted: true });
    expect(await caller.categories.delete({ id: games.id })).toEqual({ id: games.id, deleted: true });
  });

  it('accounts: deposit, withdraw, transfer (idempotent), ledger', async () => {
    const caller = api();
    const { alice, a1, b1 } = await seed();
    expect((await caller.accounts.deposit({ accountId: b1.id, amount: '0.10', reason: 'a test' })).balance).toBe(
      '0.10',
    );
    expect((await caller.accounts.withdraw({ accountId: a1.id, amount: '0.20', reason: 'a test' })).balance).toBe(
      '99.80',
    );
    const transfer = { fromAccountId: a1.id, toAccountId: b1.id, amount: '50.00', idempotencyKey: 'order-0001' };
    expect((await caller.accounts.transfer(transfer)).replayed).toBe(false);
    expect((await caller.accounts.transfer(transfer)).replayed).toBe(true);
    expect((await caller.accounts.byId({ id: b1.id })).balance).toBe('50.10');
    expect((await caller.accounts.listForUser({ userId: alice.id })).map((a) => a.balance)).toEqual(['49.80']);
    const ledger = await caller.accounts.ledger({ accountId: b1.id });
    expect(ledger.items).toEqual([
      expect.objectContaining({ kind: 'transfer', amount: '50.00', fromAccountId: a1.id, toAccountId: b1.id }),
      expect.objectContaining({
        kind: 'top_up',
        amount: '0.10',
        fromAccountId: null,
        toAccountId: b1.id,
        reason: 'a test',
      }),
    ]);
    // Money strings are exact: one documented form, no surrounding whitespace, nothing moved.
    for (const amount of [' 1', '1 ', '\t1.00', '1.00\n', '+1', '1e2', '1.', '.5']) {
      expect(
        await codeOf(caller.accounts.deposit({ accountId: b1.id, amount, reason: 'a test' })),
        JSON.stringify(amount),
      ).toBe('BAD_REQUEST');
      expect(await codeOf(caller.products.create({ name: 'X', price: amount, categoryId: 1 }))).toBe('BAD_REQUEST');
    }
    expect((await caller.accounts.byId({ id: b1.id })).balance).toBe('50.10');
  });

  it('refuses an admin locking themselves out (403); another admin may deactivate them', async () => {
    const caller = api();
    for (const attempt of [
      () => caller.users.setActive({ ids: [adminId], isActive: false }),
      () => caller.users.update({ id: adminId, patch: { isActive: false } }),
      () => caller.users.delete({ id: adminId }),
      () => caller.roles.revoke({ userId: adminId, role: 'admin' }),
    ]) {
      const error = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/yourself: ask another admin$/),
      });
    }
    expect((await caller.auth.me()).isActive).toBe(true);
    // Another admin may deactivate this one (who is then signed out); the last active admin is the service's
    // rule too (packages/db/test/db/admins.test.ts), unreachable here: an admin acting is always one.
    const second = await adminCaller(db(), 'second');
    expect(await second.api.users.setActive({ ids: [adminId], isActive: false })).toEqual({ updated: 1 });
    expect(await codeOf(caller.auth.me())).toBe('UNAUTHORIZED');
  });

  it('health: live and ready', async () => {
    expect((await api().health.live()).status).toBe('ok');
    expect((await api().health.ready()).status).toBe('ready');
  });

  it('maps errors: 404, 409 with the field, 422, 400 with zod details', async () => {
    const caller = api();
    const { alice, books, a1, b1 } = await seed();
    expect(await codeOf(caller.users.byId({ id: 99_999 }))).toBe('NOT_FOUND');
    expect(await codeOf(caller.products.byId({ id: 99_999 }))).toBe('NOT_FOUND');
    expect(await codeOf(caller.accounts.ledger({ accountId: 99_999 }))).toBe('NOT_FOUND');

    const duplicate = await caller.users
      .create({ username: 'alice', email: 'new@example.com' })
      .catch((e: TRPCError) => e);
    expect(duplicate).toMatchObject({ code: 'CONFLICT', cause: { field: 'username' } });
    expect(await codeOf(caller.categories.create({ name: 'Books' }))).toBe('CONFLICT');
    expect(await codeOf(caller.categories.delete({ id: books.id }))).toBe('CONFLICT');
    expect(await codeOf(caller.users.delete({ id: alice.id }))).toBe('CONFLICT');

    const overdraft = caller.accounts.transfer({ fromAccountId: b1.id, toAccountId: a1.id, amount: '1.00' });
    expect(await codeOf(overdraft)).toBe('UNPROCESSABLE_CONTENT');
    expect((await caller.accounts.byId({ id: a1.id })).balance).toBe('100.00');

    for (const bad of [
      () => caller.users.create({ username: 'x', email: 'not-an-email' }),
      () => caller.users.create({ username: 'x'.repeat(81), email: 'x@example.com' }),
      () => caller.products.create({ name: 'Cheap', price: '1.999', categoryId: books.id }),
      () => caller.products.create({ name: 'Float', price: 1.5 as unknown as string, categoryId: books.id }),
      () => caller.accounts.deposit({ accountId: a1.id, amount: '0', reason: 'a test' }),
      () => caller.users.list({ perPage: 101 }),
      () => caller.users.byId({ id: -1 }),
      () => caller.accounts.transfer({ fromAccountId: a1.id, toAccountId: a1.id, amount: '1.00' }),
    ]) {
      expect(await codeOf(bad())).toBe('BAD_REQUEST');
    }
    expect((await caller.products.list({})).total).toBe(2);
  });

  it('refuses metadata keys the wire format cannot carry and NUL characters with 400 naming the path, storing nothing', async () => {
    const caller = api();
    const books = await caller.categories.create({ name: 'Books' });
    const product = await caller.products.create({ name: 'Atlas', price: '1.00', categoryId: books.id });
    for (const [text, path, message] of [
      ['{"constructor":{"prototype":{"x":1}}}', ['metadata', 'constructor'], 'the key "constructor" is not allowed'],
      ['{"a":[{"b":{"prototype":1}}]}', ['metadata', 'a', 0, 'b', 'prototype'], 'the key "prototype" is not allowed'],
      ['{"a":[{"b":"x\\u0000"}]}', ['metadata', 'a', 0, 'b'], 'must not contain NUL characters'],
      ['{"a":{"k\\u0000":1}}', ['metadata', 'a'], 'keys must not contain NUL characters'],
    ] as const) {
      const bad = JSON.parse(text);
      const created = await caller.products
        .create({ name: 'Trap', price: '1.00', categoryId: books.id, metadata: bad })
        .catch((e: unknown) => e);
      expect(created).toBeInstanceOf(TRPCError);
      expect(created).toMatchObject({ code: 'BAD_REQUEST' });
      expect((created as TRPCError).cause).toMatchObject({
        issues: [{ path, message: expect.stringContaining(message) }],
      });
      expect(await codeOf(caller.products.update({ id: product.id, patch: { metadata: bad } }))).toBe('BAD_REQUEST');
    }
    expect((await caller.products.list({})).items.map((p) => [p.name, p.metadata])).toEqual([['Atlas', null]]);
  });

  it('never returns a password hash, from any procedure that returns users', async () => {
    const caller = api();
    const { alice } = await seed();
    await caller.roles.create({ name: 'customer' });
    const outputs = [
      await caller.users.byId({ id: alice.id }),
      await caller.users.byUsername({ username: 'alice' }),
      await caller.users.list({}),
      await caller.users.search({ username: 'a' }),
      await caller.users.update({ id: alice.id, patch: { password: 'another-password' } }),
      await caller.roles.assign({ userId: alice.id, role: 'customer' }),
      await caller.roles.members({ role: 'customer' }),
      await caller.users.create({ username: 'dave', email: 'dave@example.com', password: 'dave-password' }),
    ];
    const text = JSON.stringify(outputs);
    expect(text).toContain('alice');
    expect(text).not.toMatch(/passwordHash|password_hash|\$argon2/);
  });

  it('masks unexpected failures as INTERNAL_SERVER_ERROR without internals', async () => {
    const caller = api();
    const { alice } = await seed();
    await db().orm.em.getConnection().execute('drop table user_profiles');
    const error = await caller.profiles.get({ userId: alice.id }).catch((e: TRPCError) => e);
    expect(error).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    // The formatter (HTTP path) replaces the message; the caller still sees the original cause for logging.
    expect((error as TRPCError).cause).toBeDefined();
  });
});
