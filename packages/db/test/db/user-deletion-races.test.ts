// Deleting users while money moves: a user is deleted only when they hold no money and have no ledger
// history, and that check must still be true when the rows go. A deposit, or an account opened with money,
// that commits while the delete runs must make the delete refuse (409), never vanish with the account.
import { testDialect, useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { getAccount, listAccountsForUser } from '../../src/services/accounts/reads.ts';
import { deposit, openAccount } from '../../src/services/accounts/writes.ts';
import { getUser } from '../../src/services/users/reads.ts';
import { createUser, deleteInactiveUsers, deleteUser, setUsersActive } from '../../src/services/users/writes.ts';

const { em } = useTestDatabase();

/** The server's own view of a statement of this database waiting for a row lock held by another one. */
const LOCK_WAITS: Record<string, string | undefined> = {
  postgresql:
    "select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
  mariadb:
    'select count(*) as n from information_schema.innodb_trx t join information_schema.processlist p ' +
    "on p.id = t.trx_mysql_thread_id where t.trx_state = 'LOCK WAIT' and p.db = database()",
};

/** Resolves once `during` waits on a lock (or has settled); SQLite's writers queue inside the process instead. */
async function blockedOrSettled(settled: Promise<unknown>): Promise<void> {
  const query = LOCK_WAITS[testDialect];
  let done = false;
  void settled.finally(() => {
    done = true;
  });
  const deadline = Date.now() + 10_000;
  while (!done && Date.now() < deadline) {
    if (!query) return void (await new Promise((resolve) => setTimeout(resolve, 100)));
    const [row] = await em().getConnection().execute<{ n: number | string }[]>(query);
    if (Number(row?.n) > 0) return;
    // Not more often: MariaDB refreshes innodb_trx only when it was last read over 0.1 s ago.
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/**
 * Runs `write` in a transaction that stays open until `during` has been started and waits on the rows the
 * transaction holds (or has finished without waiting); then commits it, and returns what `during` gave.
 */
async function whileUncommitted<T>(
  write: Parameters<ReturnType<typeof em>['transactional']>[0],
  during: () => Promise<T>,
): Promise<PromiseSettledResult<T>> {
  let result: Promise<PromiseSettledResult<T>> | undefined;
  await em().transactional(async (tx) => {
    await write(tx);
    const settled = during().then(
      (value) => ({ status: 'fulfilled', value }) as const,
      (reason: unknown) => ({ status: 'rejected', reason }) as const,
    );
    result = settled;
    await blockedOrSettled(settled);
  });
  return (await result) as PromiseSettledResult<T>;
}

describe('deleting users while money moves', () => {
  it('refuses users.delete when a deposit into the user’s empty account commits meanwhile', async () => {
    const user = await createUser(em(), { username: 'dora', email: 'dora@example.com' });
    const account = await openAccount(em(), user.id, '0', 'any');
    const outcome = await whileUncommitted(
      (tx) => deposit(tx, account.id, { amount: '10.00', reason: 'test' }, 'any'),
      () => deleteUser(em(), user.id, 'operator'),
    );
    expect(outcome).toMatchObject({ status: 'rejected', reason: { kind: 'CONFLICT', field: 'balance' } });
    expect((await getAccount(em(), account.id, 'any')).balance).toBe('10.00');
    await expect(getUser(em(), user.id, 'any')).resolves.toMatchObject({ id: user.id });
  });

  it('refuses users.delete when an account opened with money for the user commits meanwhile', async () => {
    const user = await createUser(em(), { username: 'ned', email: 'ned@example.com' });
    const outcome = await whileUncommitted(
      (tx) => openAccount(tx, user.id, '25.00', 'any'),
      () => deleteUser(em(), user.id, 'operator'),
    );
    expect(outcome.status).toBe('rejected');
    expect((await listAccountsForUser(em(), user.id, 'any')).map((account) => account.balance)).toEqual(['25.00']);
  });

  it('keeps an inactive user in users.deleteInactive when a deposit commits meanwhile, and deletes the others', async () => {
    const kept = await createUser(em(), { username: 'kept', email: 'kept@example.com' });
    const gone = await createUser(em(), { username: 'gone', email: 'gone@example.com' });
    const account = await openAccount(em(), kept.id, '0', 'any');
    await setUsersActive(em(), [kept.id, gone.id], false, 'operator');
    const outcome = await whileUncommitted(
      (tx) => deposit(tx, account.id, { amount: '3.50', reason: 'test' }, 'any'),
      () => deleteInactiveUsers(em()),
    );
    expect(outcome).toEqual({ status: 'fulfilled', value: { deleted: 1, keptWithBalance: 1, keptWithHistory: 0 } });
    expect((await getAccount(em(), account.id, 'any')).balance).toBe('3.50');
    await expect(getUser(em(), gone.id, 'any')).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });
});
