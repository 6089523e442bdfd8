// The two shapes every service uses: writes as one unit of work with domain errors, and "find or NotFound".
import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../src/domain/errors.ts';
import { Role, User } from '../../src/entities/index.ts';
import { ensureAdmin } from '../../src/services/auth/sessions.ts';
import { getProfile } from '../../src/services/profiles/reads.ts';
import { deleteProfile } from '../../src/services/profiles/writes.ts';
import { assignRole } from '../../src/services/roles/writes.ts';
import { createUser } from '../../src/services/users/writes.ts';

const { em } = useTestDatabase();

describe('unit of work', () => {
  it('db:create-admin with an email another user holds: a conflict on email, and nothing written', async () => {
    await createUser(em(), { username: 'ann', email: 'ann@example.com' });
    const error = await ensureAdmin(em(), {
      username: 'root',
      email: 'ANN@example.com',
      password: 'a-long-admin-password',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ field: 'email', message: 'email is already taken' });
    expect(await em().count(User)).toBe(1);
    expect(await em().count(Role)).toBe(0);
  });
});

describe('find or NotFound', () => {
  it('names the entity and the key it was looked up by', async () => {
    const user = await createUser(em(), { username: 'ann', email: 'ann@example.com' });
    await expect(assignRole(em(), user.id, 'auditor')).rejects.toThrow(new NotFoundError('role', 'auditor'));
    await expect(assignRole(em(), 999_999, 'auditor')).rejects.toThrow(new NotFoundError('user', 999_999));
    await expect(getProfile(em(), user.id, 'any')).rejects.toThrow(new NotFoundError('user profile', user.id));
    await expect(deleteProfile(em(), user.id, 'any')).rejects.toBeInstanceOf(NotFoundError);
  });
});
