import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../src/domain/errors.ts';
import { Role, UserProfile } from '../../src/entities/index.ts';
import { getProfile } from '../../src/services/profiles/reads.ts';
import { deleteProfile, upsertProfile } from '../../src/services/profiles/writes.ts';
import { listRoles } from '../../src/services/roles/reads.ts';
import { assignRole, createRole, revokeRole } from '../../src/services/roles/writes.ts';
import { getUser, usersWithRole } from '../../src/services/users/reads.ts';
import { createUser, createUsers, deleteUser } from '../../src/services/users/writes.ts';

const { em } = useTestDatabase();

const threeUsers = async () => {
  const users = await createUsers(
    em(),
    ['a', 'b', 'c'].map((n) => ({ username: n, email: `${n}@example.com` })),
  );
  return users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
};

describe('profiles (1:1)', () => {
  it('creates on first upsert, then updates only the given fields', async () => {
    const user = await createUser(em(), { username: 'ann', email: 'ann@example.com' });
    expect((await getUser(em(), user.id, 'any')).profile).toBeNull();
    expect(await upsertProfile(em(), user.id, { firstName: 'Ann', bio: 'Hi' }, 'any')).toMatchObject({
      userId: user.id,
      firstName: 'Ann',
      lastName: null,
      bio: 'Hi',
    });
    // Partial: lastName set, bio cleared with an explicit null, firstName (not given) kept.
    const updated = await upsertProfile(em(), user.id, { lastName: 'Lee', bio: null }, 'any');
    expect(updated).toMatchObject({ userId: user.id, firstName: 'Ann', lastName: 'Lee', bio: null });
    expect(await getProfile(em(), user.id, 'any')).toMatchObject({ firstName: 'Ann', lastName: 'Lee', bio: null });
    // An empty patch changes nothing and still creates no second row.
    await upsertProfile(em(), user.id, {}, 'any');
    expect(await getProfile(em(), user.id, 'any')).toMatchObject({ firstName: 'Ann', lastName: 'Lee', bio: null });
    expect(await em().count(UserProfile)).toBe(1);
    expect((await getUser(em(), user.id, 'any')).profile).toEqual({ firstName: 'Ann', lastName: 'Lee', bio: null });
  });

  it('keeps profiles of different users apart', async () => {
    const [a, b] = await threeUsers();
    await upsertProfile(em(), a.id, { firstName: 'A' }, 'any');
    await upsertProfile(em(), b.id, { firstName: 'B' }, 'any');
    expect((await getProfile(em(), a.id, 'any')).firstName).toBe('A');
    expect((await getProfile(em(), b.id, 'any')).firstName).toBe('B');
    expect(await em().count(UserProfile)).toBe(2);
  });

  it('deletes a profile; 404 when there is none or the user is unknown', async () => {
    const [a, b] = await threeUsers();
    await upsertProfile(em(), a.id, { firstName: 'A' }, 'any');
    await upsertProfile(em(), b.id, { firstName: 'B' }, 'any');
    await deleteProfile(em(), a.id, 'any');
    await expect(getProfile(em(), a.id, 'any')).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteProfile(em(), a.id, 'any')).rejects.toBeInstanceOf(NotFoundError);
    expect((await getUser(em(), a.id, 'any')).profile).toBeNull();
    expect((await getProfile(em(), b.id, 'any')).firstName).toBe('B'); // the other profile is untouched
    await expect(upsertProfile(em(), 99_999, { firstName: 'x' }, 'any')).rejects.toBeInstanceOf(NotFoundError);
    await expect(getProfile(em(), 99_999, 'any')).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteProfile(em(), 99_999, 'any')).rejects.toBeInstanceOf(NotFoundError);
    expect(await em().count(UserProfile)).toBe(1);
  });

  it('goes with its user (ON DELETE CASCADE), and so do the role links', async () => {
    const [a, b] = await threeUsers();
    await upsertProfile(em(), a.id, { firstName: 'A' }, 'any');
    await upsertProfile(em(), b.id, { firstName: 'B' }, 'any');
    await createRole(em(), 'customer');
    await assignRole(em(), a.id, 'customer');
    await assignRole(em(), b.id, 'customer');
    expect(await em().count(UserProfile, { user: a.id })).toBe(1);

    await deleteUser(em(), a.id, 'operator'); // one DELETE on users: the database removes the dependants
    expect(await em().count(UserProfile, { user: a.id })).toBe(0);
    await expect(getProfile(em(), a.id, 'any')).rejects.toBeInstanceOf(NotFoundError);
    expect((await getProfile(em(), b.id, 'any')).firstName).toBe('B');
    const members = await usersWithRole(em(), 'customer');
    expect(members.items.map((u) => u.id)).toEqual([b.id]);
    expect(await em().count(Role)).toBe(1); // the role itself stays
  });
});

describe('roles (M:N)', () => {
  it('creates unique roles (409 on name) and lists them sorted by name', async () => {
    expect(await listRoles(em())).toEqual([]);
    const customer = await createRole(em(), 'customer');
    const admin = await createRole(em(), '  admin ');
    await createRole(em(), 'editor');
    expect(admin).toEqual({ id: expect.any(Number), name: 'admin' });
    const duplicate = await createRole(em(), 'admin').catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect(duplicate).toMatchObject({ kind: 'CONFLICT', field: 'name' });
    await expect(createRole(em(), ' customer ')).rejects.toMatchObject({ kind: 'CONFLICT', field: 'name' });
    expect(await listRoles(em())).toEqual([
      { id: admin.id, name: 'admin' },
      { id: customer.id, name: 'customer' },
      { id: expect.any(Number), name: 'editor' },
    ]);
  });

  it('assigns and revokes idempotently', async () => {
    await createRole(em(), 'admin');
    await createRole(em(), 'customer');
    const [a] = await threeUsers();
    expect((await assignRole(em(), a.id, 'admin')).roles).toEqual(['admin']);
    expect((await assignRole(em(), a.id, 'admin')).roles).toEqual(['admin']);
    expect((await assignRole(em(), a.id, 'customer')).roles).toEqual(['admin', 'customer']);
    expect((await getUser(em(), a.id, 'any')).roles).toEqual(['admin', 'customer']);
    expect((await usersWithRole(em(), 'admin')).total).toBe(1); // one link row, not two

    expect((await revokeRole(em(), a.id, 'customer', 'operator')).roles).toEqual(['admin']);
    expect((await revokeRole(em(), a.id, 'customer', 'operator')).roles).toEqual(['admin']);
    expect((await getUser(em(), a.id, 'any')).roles).toEqual(['admin']);
    expect((await usersWithRole(em(), 'customer')).total).toBe(0);
  });

  it('lists the members of a role page by page, in id order', async () => {
    await createRole(em(), 'customer');
    await createRole(em(), 'admin');
    const [a, b, c] = await threeUsers();
    for (const u of [c, a, b]) await assignRole(em(), u.id, 'customer');
    await assignRole(em(), b.id, 'admin');

    const first = await usersWithRole(em(), 'customer', { page: 1, perPage: 2 });
    expect(first).toMatchObject({ total: 3, page: 1, perPage: 2, pages: 2, hasNext: true, hasPrev: false });
    expect(first.items.map((u) => u.username)).toEqual(['a', 'b']);
    expect(first.items[1]?.roles).toEqual(['admin', 'customer']); // members come with all their roles
    const second = await usersWithRole(em(), 'customer', { page: 2, perPage: 2 });
    expect(second).toMatchObject({ total: 3, pages: 2, hasNext: false, hasPrev: true });
    expect(second.items.map((u) => u.username)).toEqual(['c']);
    expect((await usersWithRole(em(), 'customer', { page: 3, perPage: 2 })).items).toEqual([]);
    expect((await usersWithRole(em(), 'admin')).items.map((u) => u.username)).toEqual(['b']);
  });

  it('404 for an unknown role or user, and nothing changes', async () => {
    await createRole(em(), 'admin');
    const [a] = await threeUsers();
    await expect(assignRole(em(), a.id, 'nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeRole(em(), a.id, 'nope', 'operator')).rejects.toBeInstanceOf(NotFoundError);
    await expect(assignRole(em(), 99_999, 'admin')).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeRole(em(), 99_999, 'admin', 'operator')).rejects.toBeInstanceOf(NotFoundError);
    await expect(usersWithRole(em(), 'nope')).rejects.toMatchObject({ kind: 'NOT_FOUND', entity: 'role' });
    expect((await getUser(em(), a.id, 'any')).roles).toEqual([]);
    expect((await listRoles(em())).map((r) => r.name)).toEqual(['admin']);
  });
});
