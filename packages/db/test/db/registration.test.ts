// Sign-up is one unit of work: concurrent first sign-ups all succeed, each user gets the customer role.
import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/domain/errors.ts';
import { Role } from '../../src/entities/index.ts';
import { registerUser } from '../../src/services/auth/sessions.ts';
import { getUser } from '../../src/services/users/reads.ts';

const { em } = useTestDatabase();

describe('registerUser', () => {
  it('8 sign-ups at once on a database without the customer role: all succeed, each one a customer', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        registerUser(em(), { username: `early${i}`, email: `early${i}@example.com`, password: 'a-long-password' }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const result of results) {
      if (result.status !== 'fulfilled') continue;
      expect(result.value.roles).toEqual(['customer']);
      expect((await getUser(em(), result.value.id, 'any')).roles).toEqual(['customer']);
    }
    expect(await em().count(Role, { name: 'customer' })).toBe(1);
  });

  it('leaves nothing behind when the username is taken', async () => {
    await registerUser(em(), { username: 'ann', email: 'ann@example.com', password: 'a-long-password' });
    const error = await registerUser(em(), {
      username: 'ann',
      email: 'other@example.com',
      password: 'a-long-password',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ field: 'username' });
    expect(await em().count(Role)).toBe(1);
  });
});
