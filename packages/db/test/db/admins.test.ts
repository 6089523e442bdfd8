// No one locks the shop out: an admin cannot deactivate, delete or un-admin themselves (FORBIDDEN), no
// change leaves it without an active admin (CONFLICT), even when two admins demote each other at once; and
// `ensureAdmin` with a new password (db:create-admin --reset-password) makes a locked-out admin usable again.
import { serverUnavailable, testDialect, useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../src/domain/errors.ts';
import { ensureAdmin, login } from '../../src/services/auth/sessions.ts';
import { revokeRole } from '../../src/services/roles/writes.ts';
import { getUser } from '../../src/services/users/reads.ts';
import { deleteUser, setUsersActive, updateUser } from '../../src/services/users/writes.ts';

const { em } = useTestDatabase();

const admin = async (name: string) =>
  (await ensureAdmin(em(), { username: name, email: `${name}@example.com`, password: `${name}-password` })).user;
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
const active = async (id: number) => (await getUser(em(), id, 'any')).isActive;

describe('admin lockout', () => {
  it('refuses an admin removing their own access, whatever the route, and changes nothing', async () => {
    const root = await admin('root');
    await admin('second');
    const me = { userId: root.id };
    for (const attempt of [
      () => updateUser(em(), root.id, { isActive: false }, me),
      () => setUsersActive(em(), [root.id], false, me),
      () => deleteUser(em(), root.id, me),
      () => revokeRole(em(), root.id, 'admin', me),
    ]) {
      const error = await refusal(attempt());
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as Error).message).toMatch(/^you cannot .* yourself: ask another admin$/);
    }
    expect(await getUser(em(), root.id, 'any')).toMatchObject({ isActive: true, roles: ['admin'] });
  });

  it('refuses to leave no active admin, and lets one admin demote another while one remains', async () => {
    const root = await admin('root');
    const second = await admin('second');
    expect(await setUsersActive(em(), [second.id], false, { userId: root.id })).toBe(1);
    for (const attempt of [
      () => updateUser(em(), root.id, { isActive: false }, 'operator'),
      () => setUsersActive(em(), [root.id, second.id], false, 'operator'),
      () => revokeRole(em(), root.id, 'admin', 'operator'),
      () => deleteUser(em(), root.id, 'operator'),
    ]) {
      expect(await refusal(attempt())).toMatchObject({
        kind: 'CONFLICT',
        message: expect.stringMatching(/at least one active admin/),
      });
    }
    expect(await active(root.id)).toBe(true);
    // Other changes to the last admin still pass.
    await expect(updateUser(em(), root.id, { email: 'boss@example.com' }, 'operator')).resolves.toMatchObject({
      isActive: true,
    });
  });

  it.runIf(testDialect !== 'sqlite' && serverUnavailable() === null)(
    'two admins deactivating each other at once: exactly one succeeds',
    async () => {
      const a = await admin('alpha');
      const b = await admin('beta');
      const results = await Promise.allSettled([
        setUsersActive(em(), [b.id], false, { userId: a.id }),
        setUsersActive(em(), [a.id], false, { userId: b.id }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toMatchObject({ kind: 'CONFLICT' });
      expect([await active(a.id), await active(b.id)].filter(Boolean)).toHaveLength(1);
    },
  );

  it('ensureAdmin with a new password makes a deactivated, un-admin-ed admin usable again', async () => {
    const root = await admin('root');
    const helper = await admin('helper');
    await revokeRole(em(), root.id, 'admin', { userId: helper.id });
    await setUsersActive(em(), [root.id], false, { userId: helper.id });
    expect(await login(em(), 'root', 'root-password')).toBeNull();
    const { user, created } = await ensureAdmin(em(), {
      username: 'root',
      email: 'root@example.com',
      password: 'a-new-password',
      resetPassword: true,
    });
    expect(created).toBe(false);
    expect(user).toMatchObject({ isActive: true, roles: ['admin'] });
    expect(await login(em(), 'root', 'a-new-password')).not.toBeNull();
  });
});
