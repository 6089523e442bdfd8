// openSession: a session for a user named by id, without its password (how the main job signs in as the admin
// it seeds with): its token authenticates like a sign-in's, it is not a sign-in (lastLoginAt stays), it can be
// revoked, and an unknown or deactivated user gets none.
import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '../../src/domain/errors.ts';
import { authenticate, ensureAdmin, logout, openSession, registerUser } from '../../src/services/auth/sessions.ts';
import { getUser } from '../../src/services/users/reads.ts';
import { updateUser } from '../../src/services/users/writes.ts';

const { em } = useTestDatabase();

describe('openSession', () => {
  it('gives a user named by id a token that authenticates, without signing it in; logout revokes it', async () => {
    const { user } = await ensureAdmin(em(), {
      username: 'root',
      email: 'root@example.com',
      password: 'unknown-to-us',
    });
    const session = await openSession(em(), user.id);
    expect(session.user).toMatchObject({ id: user.id, username: 'root', roles: ['admin'] });
    const principal = await authenticate(em(), session.token);
    expect(principal).toMatchObject({ userId: user.id, username: 'root', roles: ['admin'] });
    expect((await getUser(em(), user.id, 'any')).lastLoginAt).toBeNull();
    await logout(em(), principal?.sessionId as number, 'any');
    expect(await authenticate(em(), session.token)).toBeNull();
  });

  it('refuses an unknown user and a deactivated one', async () => {
    await expect(openSession(em(), 4_242)).rejects.toBeInstanceOf(NotFoundError);
    const { user: root } = await ensureAdmin(em(), { username: 'root', email: 'root@example.com', password: 'x' });
    const ann = await registerUser(em(), { username: 'ann', email: 'ann@example.com', password: 'a-long-password' });
    await updateUser(em(), ann.id, { isActive: false }, { userId: root.id });
    const refused = await openSession(em(), ann.id).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect((refused as Error).message).toBe(`user ${ann.id} is deactivated: it cannot have a session`);
  });
});
