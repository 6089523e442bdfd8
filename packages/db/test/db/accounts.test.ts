import { ledgerMismatches, serverUnavailable, totalBalance, useTestDatabase } from '@shop/db/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, InsufficientFundsError, InvalidError, NotFoundError } from '../../src/domain/errors.ts';
import { Transfer } from '../../src/entities/index.ts';
import { getAccount, listAccountsForUser, listTransfers } from '../../src/services/accounts/reads.ts';
import { deposit, openAccount, transferFunds, withdraw } from '../../src/services/accounts/writes.ts';
import { createUser } from '../../src/services/users/writes.ts';

const { em, db } = useTestDatabase();

async function twoAccounts(a = '100.00', b = '0') {
  const alice = await createUser(em(), { username: 'alice', email: 'alice@example.com' });
  const bob = await createUser(em(), { username: 'bob', email: 'bob@example.com' });
  return { alice, bob, a: await openAccount(em(), alice.id, a, 'any'), b: await openAccount(em(), bob.id, b, 'any') };
}
const balance = async (id: number) => (await getAccount(em(), id, 'any')).balance;
/** Transfers only: the opening deposits of `twoAccounts` are top-up rows of their own. */
// Whatever a test did, every balance is still the sum of its ledger.
afterEach(async () => {
  if (serverUnavailable()) return;
  expect(await ledgerMismatches(em())).toEqual([]);
});

const ledgerRows = () => em().count(Transfer, { kind: 'transfer' });

describe('accounts', () => {
  it('opens accounts for existing users only', async () => {
    const { alice, a } = await twoAccounts('12.3');
    expect(a).toMatchObject({ ownerId: alice.id, balance: '12.30' });
    expect(await getAccount(em(), a.id, 'any')).toMatchObject({ id: a.id, ownerId: alice.id, balance: '12.30' });
    const second = await openAccount(em(), alice.id, '0', 'any');
    expect(second.balance).toBe('0.00');
    expect((await listAccountsForUser(em(), alice.id, 'any')).map((x) => x.id)).toEqual([a.id, second.id]);
    await expect(openAccount(em(), 99_999, '0', 'any')).rejects.toBeInstanceOf(NotFoundError);
    await expect(openAccount(em(), 99_999, '5.00', 'any')).rejects.toMatchObject({ kind: 'NOT_FOUND', entity: 'user' });
    await expect(openAccount(em(), alice.id, '-1', 'any')).rejects.toBeInstanceOf(InvalidError);
    await expect(getAccount(em(), 99_999, 'any')).rejects.toBeInstanceOf(NotFoundError);
    expect(await listAccountsForUser(em(), 99_999, 'any')).toEqual([]);
    expect(await totalBalance(em())).toBe('12.30'); // alice's two accounts + bob's empty one
  });

  it('deposits and withdraws exactly, without float drift', async () => {
    const { b } = await twoAccounts();
    expect((await deposit(em(), b.id, { amount: '0.10', reason: 'test' }, 'any')).balance).toBe('0.10');
    expect((await deposit(em(), b.id, { amount: '0.20', reason: 'test' }, 'any')).balance).toBe('0.30'); // not 0.30000000000000004
    expect(await balance(b.id)).toBe('0.30');
    for (let i = 0; i < 30; i++) await deposit(em(), b.id, { amount: '0.01', reason: 'test' }, 'any');
    expect(await balance(b.id)).toBe('0.60');
    for (let i = 0; i < 70; i++) await deposit(em(), b.id, { amount: '0.07', reason: 'test' }, 'any');
    expect(await balance(b.id)).toBe('5.50');
    expect((await deposit(em(), b.id, { amount: '1234567.89', reason: 'test' }, 'any')).balance).toBe('1234573.39');
    expect((await withdraw(em(), b.id, { amount: '1234573.09', reason: 'test' }, 'any')).balance).toBe('0.30');
    expect((await withdraw(em(), b.id, { amount: '0.1', reason: 'test' }, 'any')).balance).toBe('0.20');
    expect((await withdraw(em(), b.id, { amount: '0.20', reason: 'test' }, 'any')).balance).toBe('0.00'); // down to exactly zero is allowed
    expect(await totalBalance(em())).toBe('100.00');
  });

  it('refuses an overdraft and changes nothing', async () => {
    const { a } = await twoAccounts('5.00');
    const error = await withdraw(em(), a.id, { amount: '5.01', reason: 'test' }, 'any').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect(error).toMatchObject({ kind: 'INSUFFICIENT_FUNDS', accountId: a.id, amount: '5.01' });
    expect(await balance(a.id)).toBe('5.00');
    await expect(withdraw(em(), 99_999, { amount: '1.00', reason: 'test' }, 'any')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(deposit(em(), 99_999, { amount: '1.00', reason: 'test' }, 'any')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await totalBalance(em())).toBe('5.00');
  });

  it.each(['0', '0.00', '-5', '1.234', 'abc', '1e3', '', ' 1.00', '1.'])('rejects the amount %j', async (amount) => {
    const { a, b } = await twoAccounts();
    for (const attempt of [
      () => deposit(em(), a.id, { amount: amount, reason: 'test' }, 'any'),
      () => withdraw(em(), a.id, { amount: amount, reason: 'test' }, 'any'),
      () => transferFunds(em(), { fromAccountId: a.id, toAccountId: b.id, amount }, 'any'),
    ]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidError);
      expect(error).toMatchObject({ kind: 'INVALID', field: 'amount' });
    }
    expect([await balance(a.id), await balance(b.id), await ledgerRows()]).toEqual(['100.00', '0.00', 0]);
  });

  it('totals every balance exactly', async () => {
    expect(await totalBalance(em())).toBe('0.00');
    const { a, b } = await twoAccounts('0.10', '0.20');
    expect(await totalBalance(em())).toBe('0.30');
    await deposit(em(), a.id, { amount: '9999999.99', reason: 'test' }, 'any');
    await deposit(em(), b.id, { amount: '0.01', reason: 'test' }, 'any');
    expect(await totalBalance(em())).toBe('10000000.30');
  });
});

describe('transferFunds', () => {
  it('moves both sides and writes one ledger row', async () => {
    const { a, b } = await twoAccounts();
    const { transfer, replayed } = await transferFunds(
      em(),
      {
        fromAccountId: a.id,
        toAccountId: b.id,
        amount: '30.25',
      },
      'any',
    );
    expect(replayed).toBe(false);
    expect(transfer).toMatchObject({ fromAccountId: a.id, toAccountId: b.id, amount: '30.25', idempotencyKey: null });
    expect([await balance(a.id), await balance(b.id)]).toEqual(['69.75', '30.25']);
    expect(await ledgerRows()).toBe(1);
    const [row] = await em().find(Transfer, { kind: 'transfer' });
    expect(row?.id).toBe(transfer.id);
    // Back the other way (the destination now has the lower id): still exact.
    await transferFunds(em(), { fromAccountId: b.id, toAccountId: a.id, amount: '0.25' }, 'any');
    expect([await balance(a.id), await balance(b.id), await ledgerRows()]).toEqual(['70.00', '30.00', 2]);
    expect(await totalBalance(em())).toBe('100.00');
  });

  it('can empty the source exactly, and with insufficient funds changes nothing', async () => {
    const { a, b } = await twoAccounts('10.00', '1.00');
    const error = await transferFunds(em(), { fromAccountId: b.id, toAccountId: a.id, amount: '1.01' }, 'any').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect(error).toMatchObject({ accountId: b.id, amount: '1.01' });
    expect([await balance(a.id), await balance(b.id), await ledgerRows()]).toEqual(['10.00', '1.00', 0]);
    // a has the lower id: its credit would run before the failing debit of b, and must be undone.
    await expect(
      transferFunds(em(), { fromAccountId: b.id, toAccountId: a.id, amount: '999.00' }, 'any'),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    expect([await balance(a.id), await balance(b.id), await ledgerRows()]).toEqual(['10.00', '1.00', 0]);
    await transferFunds(em(), { fromAccountId: b.id, toAccountId: a.id, amount: '1.00' }, 'any');
    expect([await balance(a.id), await balance(b.id), await ledgerRows()]).toEqual(['11.00', '0.00', 1]);
  });

  it('moves money in one transaction of three writes, answering with the row its insert returned (no read)', async () => {
    const { a, b } = await twoAccounts();
    const before = db().queries.length;
    const { transfer } = await transferFunds(em(), { fromAccountId: a.id, toAccountId: b.id, amount: '2.50' }, 'any');
    const statements = db()
      .queries.slice(before)
      .map((sql) => sql.split(' ')[0]?.toLowerCase());
    expect(statements).toEqual(['begin', 'update', 'update', 'insert', 'commit']);
    const [stored] = (await listTransfers(em(), a.id, {}, 'any')).items;
    expect(transfer).toEqual(stored);
    expect(transfer).toMatchObject({ kind: 'transfer', fromAccountId: a.id, toAccountId: b.id, amount: '2.50' });
  });

  it('rolls back the debit already made when the credit fails (whole unit of work)', async () => {
    const { a } = await twoAccounts();
    // The source has the lower id, so its debit runs first; the missing destination fails afterwards.
    const missing = a.id + 1000;
    const before = db().queries.length;
    const error = await transferFunds(
      em(),
      { fromAccountId: a.id, toAccountId: missing, amount: '40.00' },
      'any',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ entity: 'account', key: missing });
    // The debit of the source really was executed inside the transaction before the failure...
    const statements = db().queries.slice(before);
    const debit = statements.findIndex((sql) => /^update\W+accounts\W/i.test(sql));
    expect(debit).toBeGreaterThanOrEqual(0);
    expect(statements.slice(debit + 1).some((sql) => /rollback/i.test(sql))).toBe(true);
    // ...and undone with everything else.
    expect(await balance(a.id)).toBe('100.00');
    expect(await ledgerRows()).toBe(0);
    expect(await totalBalance(em())).toBe('100.00');

    // Unknown source, too (nothing to debit, the credit of a is rolled back).
    await expect(
      transferFunds(em(), { fromAccountId: missing, toAccountId: a.id, amount: '1.00' }, 'any'),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await balance(a.id)).toBe('100.00');
    expect(await ledgerRows()).toBe(0);
  });

  it('refuses a transfer to the same account', async () => {
    const { a } = await twoAccounts();
    await expect(
      transferFunds(em(), { fromAccountId: a.id, toAccountId: a.id, amount: '1.00' }, 'any'),
    ).rejects.toMatchObject({ kind: 'INVALID', field: 'toAccountId' });
    expect([await balance(a.id), await ledgerRows()]).toEqual(['100.00', 0]);
  });

  it('applies a retried transfer once per idempotency key', async () => {
    const { a, b } = await twoAccounts();
    const request = { fromAccountId: a.id, toAccountId: b.id, amount: '10.00', idempotencyKey: 'order-42-payment' };
    const first = await transferFunds(em(), request, 'any');
    expect(first.replayed).toBe(false);
    expect(first.transfer.idempotencyKey).toBe('order-42-payment');
    const again = await transferFunds(em(), { ...request, amount: '10' }, 'any'); // same amount, other spelling
    expect(again.replayed).toBe(true);
    expect(again.transfer).toMatchObject({
      id: first.transfer.id,
      fromAccountId: a.id,
      toAccountId: b.id,
      amount: '10.00',
      idempotencyKey: 'order-42-payment',
    });
    expect([await balance(a.id), await balance(b.id), await ledgerRows()]).toEqual(['90.00', '10.00', 1]);

    for (const different of [{ amount: '11.00' }, { toAccountId: a.id + 1000 }]) {
      const error = await transferFunds(em(), { ...request, ...different }, 'any').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ kind: 'CONFLICT', field: 'idempotencyKey' });
    }
    expect([await balance(a.id), await balance(b.id), await ledgerRows()]).toEqual(['90.00', '10.00', 1]);

    // Another key is another transfer.
    const other = await transferFunds(em(), { ...request, idempotencyKey: 'order-43-payment' }, 'any');
    expect(other.replayed).toBe(false);
    expect([await balance(a.id), await balance(b.id), await ledgerRows()]).toEqual(['80.00', '20.00', 2]);

    // Keys are unique per debited account: the same key from b's account is b's own transfer.
    const fromB = await transferFunds(em(), { ...request, fromAccountId: b.id, toAccountId: a.id }, 'any');
    expect(fromB).toMatchObject({
      replayed: false,
      transfer: { fromAccountId: b.id, idempotencyKey: 'order-42-payment' },
    });
    expect([await balance(a.id), await balance(b.id), await ledgerRows()]).toEqual(['90.00', '10.00', 3]);
  });

  it('a key whose transfer failed can be used again', async () => {
    const { a, b } = await twoAccounts('5.00');
    const request = { fromAccountId: a.id, toAccountId: b.id, amount: '6.00', idempotencyKey: 'k-1' };
    await expect(transferFunds(em(), request, 'any')).rejects.toBeInstanceOf(InsufficientFundsError);
    await deposit(em(), a.id, { amount: '1.00', reason: 'test' }, 'any');
    expect((await transferFunds(em(), request, 'any')).replayed).toBe(false);
    expect([await balance(a.id), await balance(b.id), await ledgerRows()]).toEqual(['0.00', '6.00', 1]);
  });

  it('lists the ledger of an account, both directions, newest first', async () => {
    const { a, b, bob } = await twoAccounts('100.00', '100.00');
    const c = await openAccount(em(), bob.id, '50.00', 'any');
    const t1 = await transferFunds(em(), { fromAccountId: a.id, toAccountId: b.id, amount: '1.00' }, 'any');
    const t2 = await transferFunds(em(), { fromAccountId: b.id, toAccountId: a.id, amount: '2.00' }, 'any');
    await transferFunds(em(), { fromAccountId: b.id, toAccountId: c.id, amount: '7.00' }, 'any'); // not a's
    const t3 = await transferFunds(em(), { fromAccountId: a.id, toAccountId: b.id, amount: '3.00' }, 'any');
    // Each account's ledger starts with its opening deposit, a top-up.
    const page1 = await listTransfers(em(), a.id, { perPage: 2 }, 'any');
    expect(page1).toMatchObject({ total: 4, page: 1, pages: 2, hasNext: true, hasPrev: false });
    expect(page1.items).toEqual([t3.transfer, t2.transfer].map((t) => expect.objectContaining({ ...t })));
    const page2 = await listTransfers(em(), a.id, { page: 2, perPage: 2 }, 'any');
    expect(page2.items.map((t) => t.id)).toEqual([t1.transfer.id, expect.any(Number)]);
    expect(page2.items[1]).toMatchObject({ kind: 'top_up', fromAccountId: null, toAccountId: a.id, amount: '100.00' });
    expect(page2).toMatchObject({ hasNext: false, hasPrev: true });
    expect(page1.items[1]).toMatchObject({ kind: 'transfer', fromAccountId: b.id, toAccountId: a.id, amount: '2.00' });
    expect((await listTransfers(em(), c.id, {}, 'any')).items.map((t) => t.amount)).toEqual(['7.00', '50.00']);
    expect((await listTransfers(em(), b.id, {}, 'any')).total).toBe(5);
    expect((await listTransfers(em(), a.id, { page: 3, perPage: 2 }, 'any')).items).toEqual([]);
    await expect(listTransfers(em(), 99_999, {}, 'any')).rejects.toBeInstanceOf(NotFoundError);
    expect(await totalBalance(em())).toBe('250.00');
  });
});

describe('bounds', () => {
  it('refuses a deposit that would overflow NUMERIC(12,2), identically on both dialects', async () => {
    const { a } = await twoAccounts('9999999990.00');
    await expect(deposit(em(), a.id, { amount: '10.00', reason: 'test' }, 'any')).rejects.toMatchObject({
      kind: 'INVALID',
      field: 'amount',
    });
    expect(await balance(a.id)).toBe('9999999990.00');
    expect((await deposit(em(), a.id, { amount: '9.99', reason: 'test' }, 'any')).balance).toBe('9999999999.99');
  });
});
