import { assignRole, createRole, createUser, login, Role } from '@shop/db';
import type { TestDatabase } from '@shop/db/testing';
import { pino } from 'pino';
import { createContext } from '../src/trpc/init.ts';
import { LoginLimiter } from '../src/trpc/login-limiter.ts';
import { createCaller } from '../src/trpc/router.ts';

export interface CallerOptions {
  token?: string | null;
  clientAddress?: string;
  loginLimiter?: LoginLimiter;
}

/** A server-side caller over the test database, as one HTTP request with these credentials would get it. */
export const callerFor = (db: TestDatabase, options: CallerOptions = {}) =>
  createCaller(
    createContext({
      orm: db.orm,
      requestId: 'test',
      log: pino({ level: 'silent' }),
      authorization: options.token ? `Bearer ${options.token}` : undefined,
      clientAddress: options.clientAddress ?? '127.0.0.1',
      loginLimiter: options.loginLimiter ?? new LoginLimiter(db.orm),
    }),
  );

/** Creates a user with a password and the given roles, signs in, and returns the id and bearer token. */
export async function signedInUser(db: TestDatabase, username: string, roles: string[] = []) {
  const em = db.orm.em.fork();
  const user = await createUser(em, { username, email: `${username}@example.com`, password: `${username}-password` });
  for (const role of roles) {
    if (!(await em.fork().findOne(Role, { name: role }))) await createRole(em.fork(), role);
    await assignRole(em.fork(), user.id, role);
  }
  const session = await login(em.fork(), username, `${username}-password`);
  if (!session) throw new Error('sign-in failed in test setup');
  return { id: user.id, token: session.token };
}

/** An admin caller (most tests of the procedures themselves run as admin). */
export async function adminCaller(db: TestDatabase, username = 'root') {
  const admin = await signedInUser(db, username, ['admin']);
  return { ...admin, api: callerFor(db, { token: admin.token }) };
}
