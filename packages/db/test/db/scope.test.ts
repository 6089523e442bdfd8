// A user's scope reaches only that user's rows, through every service that takes a scope: someone else's
// account, ledger, profile or user answers NOT_FOUND (like a missing one), and nothing changes (signing out
// someone else's session, idempotent like signing out twice, changes nothing either). Each case also runs
// on the caller's own rows, where it must pass, so a service refusing everything would fail here too.
import { totalBalance, useTestDatabase } from '@shop/db/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../../src/domain/errors.ts';
import { type Scope, userScope } from '../../src/domain/scope.ts';
import { Account, Transfer } from '../../src/entities/index.ts';
import { getAccount, listAccountsForUser, listTransfers } from '../../src/services/accounts/reads.ts';
import { deposit, openAccount, transferFunds, withdraw } from '../../src/services/accounts/writes.ts';
import { authenticate, login, logout } from '../../src/services/auth/sessions.ts';
import { getProfile } from '../../src/services/profiles/reads.ts';
import { deleteProfile, upsertProfile } from '../../src/services/profiles/writes.ts';
import { getUser } from '../../src/services/users/reads.ts';
import { createUser } from '../../src/services/users/writes.ts';

const { em } = useTestDatabase();

/** A signed-in user with an account holding 100.00, a profile, and one transfer out of it (with a key). */
async function customer(name: string, payee?: number) {
  const password = `${name}-password`;
  const user = await createUser(em(), { username: name, email: `${name}@example.com`, password });
  const { token } = (await login(em(), name, password))!;
  const session = (await authenticate(em(), token))!.sessionId;
  const account = await openAccount(em(), user.id, '100.00', 'any');
  await upsertProfile(em(), user.id, { firstName: name }, 'any');
  const spare = await openAccount(em(), user.id, '0', 'any');
  const key = `${name}-key-0001`;
  const request = { fromAccountId: account.id, toAccountId: payee ?? spare.id, amount: '1.00', idempotencyKey: key };
  const { transfer } = await transferFunds(em(), request, 'any');
  return { id: user.id, token, session, account: account.id, transfer: transfer.id, request };
}
type Customer = Awaited<ReturnType<typeof customer>>;

let alice: Customer;
let bob: Customer;
beforeEach(async () => {
  alice = await customer('alice');
  bob = await customer('bob', alice.account);
});

/** Each service that takes a scope, called on `target`'s rows. */
const cases: [string, (scope: Scope, target: Customer) => Promise<unknown>, refused?: 'silently'][] = [
  ['getAccount', (scope, t) => getAccount(em(), t.account, scope)],
  ['listAccountsForUser', (scope, t) => listAccountsForUser(em(), t.id, scope)],
  ['openAccount', (scope, t) => openAccount(em(), t.id, '0', scope)],
  ['transferFunds', (scope, t) => transferFunds(em(), { ...t.request, idempotencyKey: undefined }, scope)],
  ['transferFunds (replayed key)', (scope, t) => transferFunds(em(), t.request, scope)],
  ['listTransfers', (scope, t) => listTransfers(em(), t.account, {}, scope)],
  ['getProfile', (scope, t) => getProfile(em(), t.id, scope)],
  ['upsertProfile', (scope, t) => upsertProfile(em(), t.id, { firstName: 'changed' }, scope)],
  ['deleteProfile', (scope, t) => deleteProfile(em(), t.id, scope)],
  ['getUser', (scope, t) => getUser(em(), t.id, scope)],
  ['logout', (scope, t) => logout(em(), t.session, scope), 'silently'],
];

/** What a refused call must leave as it was: bob's money, accounts, ledger, profile and session. */
async function bobsRows() {
  return {
    balance: (await getAccount(em(), bob.account, 'any')).balance,
    accounts: await em().count(Account, { owner: bob.id }),
    ledger: await em().count(Transfer),
    profile: await getProfile(em(), bob.id, 'any').catch((e: unknown) => e),
    total: await totalBalance(em()),
    signedIn: (await authenticate(em(), bob.token)) !== null,
  };
}

describe('a user scope', () => {
  it.each(cases)('%s: another user’s rows are NOT_FOUND and unchanged; the own rows pass', async (_, call, refused) => {
    const before = await bobsRows();
    const error = await call(userScope(alice.id), bob).catch((e: unknown) => e);
    if (refused === 'silently') expect(error).toBeUndefined();
    else expect(error).toBeInstanceOf(NotFoundError);
    expect(await bobsRows()).toEqual(before);
    await expect(call(userScope(bob.id), bob)).resolves.not.toBeInstanceOf(Error);
  });

  it('deposits and withdraws only for admins: FORBIDDEN for a customer, their own account included', async () => {
    for (const owner of [alice, bob]) {
      const before = await bobsRows();
      for (const move of [deposit, withdraw]) {
        const error = await move(em(), owner.account, { amount: '1.00', reason: 'mine' }, userScope(owner.id)).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ForbiddenError);
        expect(error).toMatchObject({ kind: 'FORBIDDEN' });
      }
      expect(await bobsRows()).toEqual(before);
    }
    await expect(deposit(em(), bob.account, { amount: '1.00', reason: 'a gift' }, 'any')).resolves.toMatchObject({
      id: bob.account,
    });
  });

  it('opens an account only empty, for anyone it names (FORBIDDEN, the role rule comes first)', async () => {
    const accounts = await em().count(Account);
    for (const owner of [alice.id, bob.id, 99_999]) {
      const error = await openAccount(em(), owner, '0.01', userScope(alice.id)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error).toMatchObject({ kind: 'FORBIDDEN', message: 'only an admin can open an account with a balance' });
    }
    expect(await em().count(Account)).toBe(accounts);
    expect(await openAccount(em(), alice.id, '0.00', userScope(alice.id))).toMatchObject({ balance: '0.00' });
    expect(await openAccount(em(), alice.id, '0.01', 'any')).toMatchObject({ balance: '0.01' });
  });
});
