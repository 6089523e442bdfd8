// Who may sign in and how: sign-up (a customer's own, the operator's first admin), bearer-token sessions
// (only the token's SHA-256 is stored; expiry, revocation), and the password check that takes the same time
// whether or not the account exists. The reads (whose sign-in, which principal) are one Kysely statement
// each; the writes (sign up, open and revoke a session) are units of work answering through getUser.
import { createHash, randomBytes } from 'node:crypto';
import { ConflictError, ForbiddenError } from '../../domain/errors.ts';
import { hashPassword, verifyPassword } from '../../domain/passwords.ts';
import { ownedBy, type Scope } from '../../domain/scope.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { kysely, paramEncoder, rowDecoder } from '../../driver/sql.ts';
import { Session, User } from '../../entities/index.ts';
import { roleNamed } from '../roles/writes.ts';
import { retrying, unitOfWork } from '../unit-of-work.ts';
import { decodeRoleNames, getUser, normalizeEmail, roleNamesOf, type UserView } from '../users/reads.ts';
import { type NewUser, newUserEntity } from '../users/writes.ts';

export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

// Verified against when the account does not exist, so both failures cost one argon2 verification.
let decoyHash: Promise<string> | undefined;
const decoy = () => {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return decoyHash;
};

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: UserView;
}

/** Concurrent first sign-ups may both create a role: the loser's unit of work can simply run again. */
const roleRace = (error: unknown) => error instanceof ConflictError && error.field === 'name';

/**
 * Self-service sign-up: an active user with the "customer" role, in one unit of work (the role is created
 * with the first sign-up; a first sign-up that lost the race to create it runs again and finds it).
 */
export async function registerUser(em: EntityManager, input: NewUser & { password: string }): Promise<UserView> {
  const passwordHash = await hashPassword(input.password); // never inside a transaction: it takes tens of ms
  return retrying(
    em,
    () =>
      unitOfWork(em, async (tx) => {
        const user = newUserEntity(tx, { ...input, isActive: true }, passwordHash);
        user.roles.add(await roleNamed(tx, 'customer'));
        await tx.flush();
        return getUser(tx, user.id, 'any');
      }),
    { retryable: roleRace, attempts: 3 },
  );
}

/** A sign-in identifier names a user by email (it has an `@`; stored lower-case) or by username (exact). */
function userWithIdentifier(em: EntityManager, identifier: string) {
  const key = identifier.trim();
  const [column, value] = key.includes('@') ? (['email', normalizeEmail(key)] as const) : (['username', key] as const);
  return kysely(em).selectFrom('users').where(column, '=', value);
}

/**
 * What a sign-in attempt is counted against: its user (`user:<id>`, whichever identifier named it, so a
 * username and an email are one budget), or, for an identifier that names nobody, that identifier.
 */
export async function signInSubject(em: EntityManager, identifier: string): Promise<string> {
  const user = await userWithIdentifier(em, identifier).select('id').executeTakeFirst();
  return user ? `user:${user.id}` : `unknown:${identifier.trim().toLowerCase()}`;
}

/**
 * Checks username-or-email + password; null for an unknown user, a wrong password or an inactive
 * account alike (the caller cannot tell which, by answer or by timing).
 */
export async function login(
  em: EntityManager,
  identifier: string,
  password: string,
  { now = new Date(), ttlMs = SESSION_TTL_MS } = {},
): Promise<SignedIn | null> {
  const user = await userWithIdentifier(em, identifier).select(['id', 'password_hash', 'is_active']).executeTakeFirst();
  const passwordOk = await verifyPassword(user?.password_hash ?? (await decoy()), password);
  if (!user?.password_hash || !passwordOk || !rowDecoder(em).bool(user.is_active)) return null;

  return unitOfWork(em, async (tx) => {
    const token = newSession(tx, user.id, now, ttlMs);
    await tx.nativeUpdate(User, { id: user.id }, { lastLoginAt: now });
    return { ...token, user: await getUser(tx, user.id, 'any') };
  });
}

/** A new session of `userId` in the unit of work `tx`: its token (only the SHA-256 is stored). */
function newSession(tx: EntityManager, userId: number, now: Date, ttlMs: number) {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs);
  tx.create(Session, { user: userId, tokenHash: sha256(token), expiresAt });
  return { token, expiresAt };
}

/**
 * A session of an active user the caller has already identified, without its password: the main job signs
 * in as the admin it seeds with this way, whatever that admin's password is. Not a sign-in by the user, so
 * `lastLoginAt` is left alone. NotFoundError for an unknown user, ForbiddenError for a deactivated one.
 */
export async function openSession(
  em: EntityManager,
  userId: number,
  { now = new Date(), ttlMs = SESSION_TTL_MS } = {},
): Promise<SignedIn> {
  return unitOfWork(em, async (tx) => {
    const user = await getUser(tx, userId, 'any');
    if (!user.isActive) throw new ForbiddenError(`user ${userId} is deactivated: it cannot have a session`);
    return { ...newSession(tx, userId, now, ttlMs), user };
  });
}

export interface Principal {
  userId: number;
  username: string;
  roles: string[];
  sessionId: number;
}

/**
 * The signed-in user behind a bearer token, or null when unknown, expired, revoked or deactivated. Runs
 * before every signed-in call: one statement, no entities (the session, its user and the role names).
 */
export async function authenticate(em: EntityManager, token: string, now = new Date()): Promise<Principal | null> {
  if (token.length < 20 || token.length > 100) return null;
  const param = paramEncoder(em);
  const row = await kysely(em)
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select((eb) => ['s.id as session_id', 'u.id', 'u.username', roleNamesOf(em, eb).as('roles')])
    .where('s.token_hash', '=', sha256(token))
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', param.date(now) as Date)
    .where('u.is_active', '=', param.bool(true) as boolean)
    .executeTakeFirst();
  if (!row) return null;
  return { userId: row.id, username: row.username, roles: decodeRoleNames(em, row.roles), sessionId: row.session_id };
}

/** Revokes one of the scope's sessions; idempotent. */
export async function logout(em: EntityManager, sessionId: number, scope: Scope, now = new Date()): Promise<void> {
  await unitOfWork(em, (tx) =>
    tx.nativeUpdate(Session, { id: sessionId, revokedAt: null, ...ownedBy(scope, 'user') }, { revokedAt: now }),
  );
}

/**
 * The first admin (`pnpm db:create-admin`): creates the user with the admin role, or gives an existing
 * user the admin role and makes it active again (its password is replaced only when `resetPassword` is
 * set): the way back in for an operator whose admins were all locked out.
 */
export async function ensureAdmin(
  em: EntityManager,
  input: { username: string; email: string; password: string; resetPassword?: boolean },
): Promise<{ user: UserView; created: boolean }> {
  const existing = await em.findOne(User, { username: input.username.trim() });
  const passwordHash = existing && !input.resetPassword ? undefined : await hashPassword(input.password);
  return unitOfWork(em, async (tx) => {
    const user = existing ?? newUserEntity(tx, input, passwordHash ?? null);
    if (existing) await tx.populate(existing, ['roles']);
    if (existing && passwordHash) user.passwordHash = passwordHash;
    user.isActive = true;
    user.roles.add(await roleNamed(tx, 'admin'));
    await tx.flush();
    return { user: await getUser(tx, user.id, 'any'), created: !existing };
  });
}
