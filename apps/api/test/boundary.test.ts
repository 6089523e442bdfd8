// The rules every procedure gets from the builder it is declared with: ownership applied inside the
// service's own statements (no extra lookup per call), and driver exceptions translated at the boundary.
import { openAccount, Role, transferFunds } from '@shop/db';
import { useTestDatabase } from '@shop/db/testing';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCallerFactory, createContext, dbProcedure, router } from '../src/trpc/init.ts';
import { LoginLimiter } from '../src/trpc/login-limiter.ts';
import { callerFor, signedInUser } from './caller.ts';

const { db, em } = useTestDatabase();

/** Statements the database ran while `work` ran (MikroORM's and the read paths' alike). */
async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
  const before = db().queries.length;
  await work();
  return db().queries.slice(before);
}

describe('ownership in the statements themselves', () => {
  let alice: { id: number; token: string; accountId: number };
  let bob: { id: number; token: string; accountId: number };
  beforeEach(async () => {
    const a = await signedInUser(db(), 'alice', ['customer']);
    const b = await signedInUser(db(), 'bob', ['customer']);
    alice = { ...a, accountId: (await openAccount(em(), a.id, '100.00', 'any')).id };
    bob = { ...b, accountId: (await openAccount(em(), b.id, '100.00', 'any')).id };
    await transferFunds(em(), { fromAccountId: alice.accountId, toAccountId: bob.accountId, amount: '1.00' }, 'any');
  });

  it('reads a ledger page in one statement after the session lookup, and refuses another owner the same way', async () => {
    const asAlice = callerFor(db(), { token: alice.token });
    const own = await statementsOf(() => asAlice.accounts.ledger({ accountId: alice.accountId }));
    expect(own).toHaveLength(2); // the session, then the page with its ownership check and total
    await expect(asAlice.accounts.ledger({ accountId: bob.accountId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(asAlice.accounts.byId({ id: bob.accountId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('moves money with no lookup of the debited account before the transaction', async () => {
    const asAlice = callerFor(db(), { token: alice.token });
    const run = await statementsOf(() =>
      asAlice.accounts.transfer({ fromAccountId: alice.accountId, toAccountId: bob.accountId, amount: '2.00' }),
    );
    // session; begin; two conditional updates (the debit carries owner_id); the ledger row, returned by its
    // insert; commit
    expect(run.filter((sql) => /^\s*select/i.test(sql))).toHaveLength(1);
    await expect(
      asAlice.accounts.transfer({ fromAccountId: bob.accountId, toAccountId: alice.accountId, amount: '2.00' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Withdrawals are an admin's: refused before any account is looked at.
    await expect(
      asAlice.accounts.withdraw({ accountId: bob.accountId, amount: '1.00', reason: 'mine now' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const bobsView = await callerFor(db(), { token: bob.token }).accounts.byId({ id: bob.accountId });
    expect(bobsView.balance).toBe('103.00'); // 100 + 1 + 2: the refused calls moved nothing
  });

  it('does not show a replayed transfer from someone else’s account', async () => {
    const key = 'bob-owned-key-1';
    await callerFor(db(), { token: bob.token }).accounts.transfer({
      fromAccountId: bob.accountId,
      toAccountId: alice.accountId,
      amount: '3.00',
      idempotencyKey: key,
    });
    const replayByAlice = callerFor(db(), { token: alice.token }).accounts.transfer({
      fromAccountId: bob.accountId,
      toAccountId: alice.accountId,
      amount: '3.00',
      idempotencyKey: key,
    });
    await expect(replayByAlice).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('scopes keys to the caller: a key someone else used neither blocks a transfer nor says it exists', async () => {
    const key = 'alice-next-key-1';
    const first = await callerFor(db(), { token: alice.token }).accounts.transfer({
      fromAccountId: alice.accountId,
      toAccountId: bob.accountId,
      amount: '1.00',
      idempotencyKey: key,
    });
    // Bob sends his own transfer with Alice's key: a new transfer of his (before: 409 "already taken").
    const bobs = await callerFor(db(), { token: bob.token }).accounts.transfer({
      fromAccountId: bob.accountId,
      toAccountId: alice.accountId,
      amount: '2.00',
      idempotencyKey: key,
    });
    expect(bobs).toMatchObject({ replayed: false, transfer: { fromAccountId: bob.accountId, amount: '2.00' } });
    expect(bobs.transfer.id).not.toBe(first.transfer.id);
  });
});

describe('driver exceptions at the boundary', () => {
  it('answers a constraint violation a service did not translate as 409, not 500', async () => {
    // A procedure written without the unit-of-work helper: its unique violation reaches the middleware raw.
    const careless = router({
      duplicateRole: dbProcedure.mutation(async ({ ctx }) => {
        ctx.em.create(Role, { name: 'twice' });
        await ctx.em.flush();
        ctx.em.clear();
        ctx.em.create(Role, { name: 'twice' });
        await ctx.em.flush();
      }),
    });
    const caller = createCallerFactory(careless)(
      createContext({
        orm: db().orm,
        loginLimiter: new LoginLimiter(db().orm),
        log: pino({ level: 'silent' }),
        requestId: 'test',
        authorization: undefined,
        clientAddress: '127.0.0.1',
      }),
    );
    await expect(caller.duplicateRole()).rejects.toMatchObject({ code: 'CONFLICT', message: 'name is already taken' });
  });
});
