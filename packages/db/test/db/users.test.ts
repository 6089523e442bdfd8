import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../src/domain/errors.ts';
import { verifyPassword } from '../../src/domain/passwords.ts';
import { User } from '../../src/entities/index.ts';
import { deposit, openAccount, transferFunds, withdraw } from '../../src/services/accounts/writes.ts';
import { getUser, getUserByUsername, listUsers, searchUsers } from '../../src/services/users/reads.ts';
import {
  createUser,
  createUsers,
  deleteInactiveUsers,
  deleteUser,
  setUsersActive,
  updateUser,
} from '../../src/services/users/writes.ts';

const { em, db } = useTestDatabase();

const alice = { username: 'alice', email: 'Alice@Example.com' };

describe('users service', () => {
  it('creates a user with a lower-cased email and no password hash in the view', async () => {
    const user = await createUser(em(), { ...alice, password: 'correct horse battery' });
    expect(user).toMatchObject({
      username: 'alice',
      email: 'alice@example.com',
      isActive: true,
      roles: [],
      profile: null,
    });
    expect(user).not.toHaveProperty('passwordHash');
    expect(user.createdAt).toBeInstanceOf(Date);
    const stored = await em().findOneOrFail(User, { id: user.id }, { populate: ['passwordHash'] });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(stored.passwordHash ?? '', 'correct horse battery')).toBe(true);
    expect(await verifyPassword(stored.passwordHash ?? '', 'wrong')).toBe(false);
  });

  it('creates a user with one INSERT (atomic on its own: no BEGIN/COMMIT) and reads the answer after it', async () => {
    const before = db().queries.length;
    const user = await createUser(em(), alice);
    const statements = db()
      .queries.slice(before)
      .map((sql) => sql.split(' ')[0]?.toLowerCase());
    expect(statements).toEqual(['insert', 'select']);
    expect(await getUser(em(), user.id, 'any')).toEqual(user);
  });

  it('reports the conflicting field for a duplicate username or email (any case)', async () => {
    await createUser(em(), alice);
    await expect(createUser(em(), { username: 'alice', email: 'other@example.com' })).rejects.toMatchObject({
      kind: 'CONFLICT',
      field: 'username',
    });
    await expect(createUser(em(), { username: 'alice2', email: 'ALICE@example.com' })).rejects.toMatchObject({
      kind: 'CONFLICT',
      field: 'email',
    });
  });

  it('bulk create is all or nothing and reports every conflict', async () => {
    await createUser(em(), alice);
    const error = await createUsers(em(), [
      { username: 'bob', email: 'bob@example.com' },
      { username: 'alice', email: 'x@example.com' },
      { username: 'carol', email: 'BOB@example.com' },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).conflicts).toEqual(
      expect.arrayContaining([
        { field: 'username', value: 'alice', index: 1 },
        { field: 'email', value: 'bob@example.com', index: 2 },
      ]),
    );
    expect((await listUsers(em())).total).toBe(1);

    const created = await createUsers(em(), [
      { username: 'bob', email: 'bob@example.com' },
      { username: 'carol', email: 'carol@example.com' },
    ]);
    expect(created.map((u) => u.username)).toEqual(['bob', 'carol']);
  });

  it('bulk create numbers the users in the order given, whichever password hashes first', async () => {
    const created = await createUsers(em(), [
      { username: 'hashed', email: 'hashed@example.com', password: 'correct horse battery' },
      { username: 'plain', email: 'plain@example.com' },
      { username: 'hashed2', email: 'hashed2@example.com', password: 'another horse battery' },
    ]);
    expect(created.map((u) => u.username)).toEqual(['hashed', 'plain', 'hashed2']);
    const ids = created.map((u) => u.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('gets by id and username, 404 otherwise', async () => {
    const user = await createUser(em(), alice);
    expect((await getUser(em(), user.id, 'any')).username).toBe('alice');
    expect((await getUserByUsername(em(), 'alice')).id).toBe(user.id);
    await expect(getUser(em(), user.id + 999, 'any')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getUserByUsername(em(), 'nobody')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('paginates like paginate(error_out=False)', async () => {
    await createUsers(
      em(),
      Array.from({ length: 25 }, (_, i) => ({
        username: `user${String(i).padStart(2, '0')}`,
        email: `u${i}@example.com`,
      })),
    );
    const page2 = await listUsers(em(), { page: 2, perPage: 10 });
    expect(page2).toMatchObject({ total: 25, page: 2, perPage: 10, pages: 3, hasNext: true, hasPrev: true });
    expect(page2.items.map((u) => u.username)).toEqual(Array.from({ length: 10 }, (_, i) => `user${10 + i}`));
    const beyond = await listUsers(em(), { page: 9, perPage: 10 });
    expect(beyond).toMatchObject({ items: [], total: 25, pages: 3, hasNext: false, hasPrev: true });
  });

  it('searches usernames case-insensitively with literal % and _', async () => {
    await createUsers(em(), [
      { username: 'John_Smith', email: 'john@gmail.com' },
      { username: 'johnXsmith', email: 'jx@example.com' },
      { username: '100%real', email: 'real@example.com' },
      { username: '100xreal', email: 'fake@example.com' },
    ]);
    const names = async (search: Parameters<typeof searchUsers>[1]) =>
      (await searchUsers(em(), search)).items.map((u) => u.username).sort();
    expect(await names({ username: 'JOHN' })).toEqual(['John_Smith', 'johnXsmith']);
    expect(await names({ username: 'n_s' })).toEqual(['John_Smith']);
    expect(await names({ username: '0%r' })).toEqual(['100%real']);
    expect(await names({ email: 'JOHN@gmail.com' })).toEqual(['John_Smith']);
    expect(await names({ username: 'john', email: 'real@example.com' })).toEqual([]);
    expect(await names({ username: 'smith', email: 'real@example.com', match: 'any' })).toEqual([
      '100%real',
      'John_Smith',
      'johnXsmith',
    ]);
  });

  it('updates partially and rejects a taken username', async () => {
    const [a, b] = await createUsers(em(), [alice, { username: 'bob', email: 'bob@example.com' }]);
    const updated = await updateUser(em(), a!.id, { email: 'NEW@example.com' }, 'operator');
    expect(updated).toMatchObject({ username: 'alice', email: 'new@example.com' });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(a!.updatedAt.getTime());
    await expect(updateUser(em(), b!.id, { username: 'alice' }, 'operator')).rejects.toMatchObject({
      kind: 'CONFLICT',
      field: 'username',
    });
    expect((await getUser(em(), b!.id, 'any')).username).toBe('bob');
    await expect(updateUser(em(), 99_999, { isActive: false }, 'operator')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('bulk-sets active and bulk-deletes inactive users, keeping those with money', async () => {
    const users = await createUsers(
      em(),
      ['a', 'b', 'c', 'd'].map((n) => ({ username: n, email: `${n}@example.com` })),
    );
    const [a, b, c] = users.map((u) => u.id) as [number, number, number];
    expect(await setUsersActive(em(), [a, b, c], false, 'operator')).toBe(3);
    const account = await openAccount(em(), c, '0', 'any');
    await deposit(em(), account.id, { amount: '5.00', reason: 'test' }, 'any');
    expect(await deleteInactiveUsers(em())).toEqual({ deleted: 2, keptWithBalance: 1, keptWithHistory: 0 });
    expect((await listUsers(em())).items.map((u) => u.username)).toEqual(['c', 'd']);
  });

  it('keeps users whose (emptied) accounts are in the ledger: delete refused with a reason, bulk delete skips them', async () => {
    const [payer, payee, idle] = await createUsers(
      em(),
      ['payer', 'payee', 'idle'].map((n) => ({ username: n, email: `${n}@example.com` })),
    );
    const from = await openAccount(em(), payer!.id, '5.00', 'any');
    const to = await openAccount(em(), payee!.id, '0', 'any');
    await transferFunds(em(), { fromAccountId: from.id, toAccountId: to.id, amount: '5.00' }, 'any');
    await withdraw(em(), to.id, { amount: '5.00', reason: 'test' }, 'any'); // both accounts empty now, but both are in the ledger
    for (const user of [payer!, payee!]) {
      const error = await deleteUser(em(), user.id, 'operator').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ field: 'accounts' });
      expect((error as Error).message).toMatch(/deactivate the user instead/);
    }
    await setUsersActive(em(), [payer!.id, payee!.id, idle!.id], false, 'operator');
    expect(await deleteInactiveUsers(em())).toEqual({ deleted: 1, keptWithBalance: 0, keptWithHistory: 2 });
    expect((await listUsers(em())).items.map((u) => u.username)).toEqual(['payer', 'payee']);
  });

  it('refuses to delete a user who still owns money, or whose emptied account has a ledger; deletes one never used', async () => {
    const user = await createUser(em(), alice);
    const account = await openAccount(em(), user.id, '10.00', 'any');
    await expect(deleteUser(em(), user.id, 'operator')).rejects.toMatchObject({ kind: 'CONFLICT', field: 'balance' });
    await expect(getUser(em(), user.id, 'any')).resolves.toMatchObject({ id: user.id });
    // Emptied, but the opening top-up and the withdrawal are ledger rows, which the shop keeps.
    await withdraw(em(), account.id, { amount: '10.00', reason: 'test' }, 'any');
    await expect(deleteUser(em(), user.id, 'operator')).rejects.toMatchObject({ kind: 'CONFLICT', field: 'accounts' });
    await setUsersActive(em(), [user.id], false, 'operator');
    const unused = await createUser(em(), { username: 'unused', email: 'unused@example.com' });
    await openAccount(em(), unused.id, '0', 'any');
    await deleteUser(em(), unused.id, 'operator');
    await expect(getUser(em(), unused.id, 'any')).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteUser(em(), unused.id, 'operator')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getUser(em(), user.id, 'any')).resolves.toMatchObject({ isActive: false });
  });
});
