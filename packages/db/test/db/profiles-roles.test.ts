import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { UserProfile } from '../../src/entities/index.ts';
import { NotFoundError } from '../../src/errors.ts';
import { deleteProfile, getProfile, upsertProfile } from '../../src/services/profiles.ts';
import { assignRole, createRole, listRoles, revokeRole, usersWithRole } from '../../src/services/roles.ts';
import { createUser, createUsers, deleteUser, getUser } from '../../src/services/users.ts';

const { em } = useTestDatabase();

describe('profiles (1:1)', () => {
  it('creates on first upsert, updates only the given fields, reads and deletes', async () => {
    const user = await createUser(em(), { username: 'ann', email: 'ann@example.com' });
    expect(await upsertProfile(em(), user.id, { firstName: 'Ann', bio: 'Hi' })).toMatchObject({
      userId: user.id,
      firstName: 'Ann',
      lastName: null,
      bio: 'Hi',
    });
    await upsertProfile(em(), user.id, { lastName: 'Lee', bio: null });
    expect(await getProfile(em(), user.id)).toMatchObject({ firstName: 'Ann', lastName: 'Lee', bio: null });
    expect(await em().count(UserProfile)).toBe(1);
    expect((await getUser(em(), user.id)).profile).toEqual({ firstName: 'Ann', lastName: 'Lee', bio: null });
    await deleteProfile(em(), user.id);
    await expect(getProfile(em(), user.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteProfile(em(), user.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(upsertProfile(em(), 99_999, { firstName: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('goes with its user (ON DELETE CASCADE)', async () => {
    const user = await createUser(em(), { username: 'bo', email: 'bo@example.com' });
    await upsertProfile(em(), user.id, { firstName: 'Bo' });
    await deleteUser(em(), user.id);
    expect(await em().count(UserProfile)).toBe(0);
  });
});

describe('roles (M:N)', () => {
  it('creates unique roles and lists them sorted', async () => {
    await createRole(em(), 'customer');
    await createRole(em(), 'admin');
    await expect(createRole(em(), 'admin')).rejects.toMatchObject({ kind: 'CONFLICT', field: 'name' });
    expect((await listRoles(em())).map((r) => r.name)).toEqual(['admin', 'customer']);
  });

  it('assigns and revokes idempotently, and lists the members of a role', async () => {
    await createRole(em(), 'admin');
    await createRole(em(), 'customer');
    const users = await createUsers(
      em(),
      ['a', 'b', 'c'].map((n) => ({ username: n, email: `${n}@example.com` })),
    );
    const [a, b] = users as [(typeof users)[0], (typeof users)[0]];
    expect((await assignRole(em(), a.id, 'admin')).roles).toEqual(['admin']);
    expect((await assignRole(em(), a.id, 'admin')).roles).toEqual(['admin']);
    expect((await assignRole(em(), a.id, 'customer')).roles).toEqual(['admin', 'customer']);
    await assignRole(em(), b.id, 'customer');
    const members = await usersWithRole(em(), 'customer', { perPage: 1 });
    expect(members).toMatchObject({ total: 2, pages: 2 });
    expect(members.items.map((u) => u.username)).toEqual(['a']);
    expect((await revokeRole(em(), a.id, 'customer')).roles).toEqual(['admin']);
    expect((await revokeRole(em(), a.id, 'customer')).roles).toEqual(['admin']);
    await expect(assignRole(em(), a.id, 'nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(assignRole(em(), 99_999, 'admin')).rejects.toBeInstanceOf(NotFoundError);
    await expect(usersWithRole(em(), 'nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});
