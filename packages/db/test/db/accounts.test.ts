import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { Transfer } from '../../src/entities/index.ts';
import { ConflictError, InsufficientFundsError, InvalidError, NotFoundError } from '../../src/errors.ts';
import {
  deposit,
  getAccount,
  listAccountsForUser,
  listTransfers,
  openAccount,
  totalBalance,
  transferFunds,
  withdraw,
} from '../../src/services/accounts.ts';
import { createUser } from '../../src/services/users.ts';

const { em } = useTestDatabase();

async function twoAccounts(a = '100.00', b = '0') {
  const alice = await createUser(em(), { username: 'alice', email: 'alice@example.com' });
  const bob = await createUser(em(), { username: 'bob', email: 'bob@example.com' });
  return { alice, bob, a: await openAccount(em(), alice.id, a), b: await openAccount(em(), bob.id, b) };
}
const balance = async (id: number) => (await getAccount(em(), id)).balance;
const ledgerRows = () => em().count(Transfer);

describe('accounts', () => {
  it('opens accounts for existing users only', async () => {
    const { alice, a } = await twoAccounts('12.3');
    expect(a).toMatchObject({ ownerId: alice.id, balance: '12.30' });
    expect((await listAccountsForUser(em(), alice.id)).map((x) => x.id)).toEqual([a.id]);
    await expect(openAccount(em(), 99_999)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('deposits and withdraws exactly, without float drift', async () => {
    const { b } = await twoAccounts();
    await deposit(em(), b.id, '0.10');
    expect((await deposit(em(), b.id, '0.20')).balance).toBe('0.30');
    for (let i = 0; i < 30; i++) await deposit(em(), b.id, '0.01');
    expect(await balance(b.id)).toBe('0.60');
    expect((await withdraw(em(), b.id, '0.59')).balance).toBe('0.01');
    expect(await totalBalance(em())).toBe('100.01');
  });

  it('refuses an overdraft and changes nothing', async () => {
    const { a } = await twoAccounts('5.00');
    await expect(withdraw(em(), a.id, '5.01')).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(await balance(a.id)).toBe('5.00');
    await expect(withdraw(em(), 99_999, '1.00')).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each(['0', '0.00', '-5', '1.234', 'abc', '1e3', ''])('rejects the amount %j', async (amount) => {
    const { a, b } = await twoAccounts();
    await expect(deposit(em(), a.id, amount)).rejects.toBeInstanceOf(InvalidError);
    await expect(transferFunds(em(), { fromAccountId: a.id, toAccountId: b.id, amount })).rejects.toBeInstanceOf(
      InvalidError,
    );
    expect(await balance(a.id)).toBe('100.00');
  });
});

describe('transferFunds', () => {
  it('moves both sides and writes one ledger row', async () => {
    const { a, b } = await twoAccounts();
    const { transfer, replayed } = await transferFunds(em(), {
      fromAccountId: a.id,
      toAccountId: b.id,
      amount: '30.25',
    });
    expect(replayed).toBe(false);
    expect(transfer).toMatchObject({ fromAccountId: a.id, toAccountId: b.id, amount: '30.25', idempotencyKey: null });
    expect([await balance(a.id), await balance(b.id)]).toEqual(['69.75', '30.25']);
    expect(await ledgerRows()).toBe(1);
  });

  it('with insufficient funds changes nothing', async () => {
    const { a, b } = await twoAccounts('10.00', '1.00');
    await expect(
      transferFunds(em(), { fromAccountId: b.id, toAccountId: a.id, amount: '1.01' }),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    expect([await balance(a.id), await balance(b.id), await ledgerRows()]).toEqual(['10.00', '1.00', 0]);
  });

  it('rolls back the debit already made when the credit fails (whole unit of work)', async () => {
    const { a } = await twoAccounts();
    // The source has the lower id, so its debit runs first; the missing destination fails afterwards.
    const missing = a.id + 1000;
    await expect(
      transferFunds(em(), { fromAccountId: a.id, toAccountId: missing, amount: '40.00' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await balance(a.id)).toBe('100.00');
    expect(await ledgerRows()).toBe(0);
    await expect(
      transferFunds(em(), { fromAccountId: missing, toAccountId: a.id, amount: '1.00' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await balance(a.id)).toBe('100.00');
  });

  it('refuses a transfer to the same account', async () => {
    const { a } = await twoAccounts();
    await expect(
      transferFunds(em(), { fromAccountId: a.id, toAccountId: a.id, amount: '1.00' }),
    ).rejects.toBeInstanceOf(InvalidError);
  });

  it('applies a retried transfer once per idempotency key', async () => {
    const { a, b } = await twoAccounts();
    const request = { fromAccountId: a.id, toAccountId: b.id, amount: '10.00', idempotencyKey: 'order-42-payment' };
    const first = await transferFunds(em(), request);
    const again = await transferFunds(em(), request);
    expect(again).toEqual({ transfer: first.transfer, replayed: true });
    expect([await balance(a.id), await ledgerRows()]).toEqual(['90.00', 1]);
    await expect(transferFunds(em(), { ...request, amount: '11.00' })).rejects.toMatchObject({
      kind: 'CONFLICT',
      field: 'idempotencyKey',
    });
    await expect(transferFunds(em(), { ...request, amount: '11.00' })).rejects.toBeInstanceOf(ConflictError);
    expect(await balance(a.id)).toBe('90.00');
  });

  it('lists the ledger of an account, both directions, newest first', async () => {
    const { a, b } = await twoAccounts('100.00', '100.00');
    await transferFunds(em(), { fromAccountId: a.id, toAccountId: b.id, amount: '1.00' });
    await transferFunds(em(), { fromAccountId: b.id, toAccountId: a.id, amount: '2.00' });
    await transferFunds(em(), { fromAccountId: a.id, toAccountId: b.id, amount: '3.00' });
    const ledger = await listTransfers(em(), a.id, { perPage: 2 });
    expect(ledger).toMatchObject({ total: 3, pages: 2, hasNext: true });
    expect(ledger.items.map((t) => t.amount)).toEqual(['3.00', '2.00']);
    await expect(listTransfers(em(), 99_999)).rejects.toBeInstanceOf(NotFoundError);
    expect(await totalBalance(em())).toBe('200.00');
  });
});
