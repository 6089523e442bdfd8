// Users: create, change, (de)activate, delete; each one unit of work, answering through the users' reads.
// Admin-only (the users router): no scope. A user's own reads and writes go through auth/ and profiles/.
import { LockMode } from '@mikro-orm/core';
import { type ConflictDetail, ConflictError } from '../../domain/errors.ts';
import { formatMoney, toCents } from '../../domain/money.ts';
import { hashPassword } from '../../domain/passwords.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { kysely } from '../../driver/sql.ts';
import { Account, Session, User } from '../../entities/index.ts';
import { foundOrFail } from '../not-found.ts';
import { insertOne, retrying, unitOfWork } from '../unit-of-work.ts';
import { type Actor, keepAnActiveAdmin } from './admins.ts';
import { getUser, getUsers, normalizeEmail, type UserView } from './reads.ts';

export interface NewUser {
  username: string;
  email: string;
  password?: string;
  isActive?: boolean;
}

/** A new managed user from whitelisted fields; the password is hashed by the caller (outside any transaction). */
export function newUserEntity(
  em: EntityManager,
  input: Omit<NewUser, 'password'>,
  passwordHash: string | null,
  { persist = true } = {},
) {
  return em.create(
    User,
    {
      username: input.username.trim(),
      email: normalizeEmail(input.email),
      passwordHash,
      isActive: input.isActive ?? true,
    },
    { persist },
  );
}

export async function createUser(em: EntityManager, input: NewUser): Promise<UserView> {
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  const id = await insertOne(em, newUserEntity(em, input, passwordHash, { persist: false }));
  return getUser(em, id, 'any');
}

/** All or nothing: any username/email taken (in the batch itself or in the database) rejects the whole batch. */
export async function createUsers(em: EntityManager, inputs: NewUser[]): Promise<UserView[]> {
  const conflicts: ConflictDetail[] = [];
  const seen = { username: new Map<string, number>(), email: new Map<string, number>() };
  inputs.forEach((input, index) => {
    for (const [field, value] of [
      ['username', input.username.trim()],
      ['email', normalizeEmail(input.email)],
    ] as const) {
      if (seen[field].has(value)) conflicts.push({ field, value, index });
      else seen[field].set(value, index);
    }
  });
  const existing = await em.find(
    User,
    { $or: [{ username: { $in: [...seen.username.keys()] } }, { email: { $in: [...seen.email.keys()] } }] },
    { fields: ['username', 'email'] },
  );
  for (const user of existing) {
    if (seen.username.has(user.username))
      conflicts.push({ field: 'username', value: user.username, index: seen.username.get(user.username) });
    if (seen.email.has(user.email))
      conflicts.push({ field: 'email', value: user.email, index: seen.email.get(user.email) });
  }
  if (conflicts.length > 0) {
    throw new ConflictError(
      `${conflicts.length} conflicting value(s); nothing was created`,
      conflicts[0]?.field ?? 'username',
      conflicts,
    );
  }
  // Hashed side by side and before the transaction (a hash takes tens of ms); the entities are then made in
  // the order given, so the ids follow the input whichever hash finished first.
  const hashes = await Promise.all(
    inputs.map((input) => (input.password === undefined ? null : hashPassword(input.password))),
  );
  return unitOfWork(em, async (tx) => {
    const users = inputs.map((input, index) => newUserEntity(tx, input, hashes[index] ?? null));
    await tx.flush();
    return getUsers(
      tx,
      users.map((user) => user.id),
    );
  });
}

export interface UserPatch {
  username?: string;
  email?: string;
  isActive?: boolean;
  password?: string;
}

export async function updateUser(em: EntityManager, id: number, patch: UserPatch, actor: Actor): Promise<UserView> {
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  return unitOfWork(em, async (tx) => {
    if (patch.isActive === false) await keepAnActiveAdmin(tx, actor, [id], 'deactivate');
    const user = await tx.findOneOrFail(User, { id });
    // Whitelisted fields only: nothing from the caller reaches assign() unfiltered.
    if (patch.username !== undefined) user.username = patch.username.trim();
    if (patch.email !== undefined) user.email = normalizeEmail(patch.email);
    if (patch.isActive !== undefined) user.isActive = patch.isActive;
    if (passwordHash !== undefined) {
      user.passwordHash = passwordHash;
      // A new password signs the user out everywhere.
      await tx.nativeUpdate(Session, { user: id, revokedAt: null }, { revokedAt: new Date() });
    }
    await tx.flush();
    return getUser(tx, id, 'any');
  });
}

/** Bulk (de)activation: one UPDATE ... WHERE id IN (...); returns how many rows changed. */
export function setUsersActive(em: EntityManager, ids: number[], isActive: boolean, actor: Actor): Promise<number> {
  return unitOfWork(em, async (tx) => {
    if (!isActive) await keepAnActiveAdmin(tx, actor, ids, 'deactivate');
    return tx.nativeUpdate(User, { id: { $in: ids } }, { isActive, updatedAt: new Date() });
  });
}

/**
 * Users whose accounts appear in the ledger (from either side), or who placed orders. The ledger is immutable
 * and keeps both accounts of every row, and orders keep their buyer (ON DELETE RESTRICT), so such users are
 * never deleted: they are deactivated.
 */
async function withLedgerHistory(tx: EntityManager, userIds: number[]): Promise<Set<number>> {
  const buyers = await kysely(tx)
    .selectFrom('orders')
    .select('buyer_id')
    .distinct()
    .where('buyer_id', 'in', userIds)
    .execute();
  const ledger = await kysely(tx)
    .selectFrom('accounts as a')
    .select('a.owner_id')
    .distinct()
    .where('a.owner_id', 'in', userIds)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('transfers as t')
          .select('t.id')
          .where((e) => e.or([e('t.from_account_id', '=', e.ref('a.id')), e('t.to_account_id', '=', e.ref('a.id'))])),
      ),
    )
    .execute();
  return new Set([...buyers.map((row) => row.buyer_id), ...ledger.flatMap((row) => row.owner_id ?? [])]);
}

/**
 * Locks the users (by primary key: on MariaDB a locking scan by `is_active` would lock every user and the
 * gaps between them) and then their accounts (PostgreSQL, MariaDB: FOR UPDATE; SQLite: the transaction
 * already holds the write lock), so the checks below stay true until the delete commits: a deposit or
 * transfer into one of their accounts, and an account being opened for them, wait for the delete (and then
 * find the account, or the user, gone) or, when they came first, are seen by it. Returns the users still
 * matching, and those of them holding money.
 */
async function lockForDeletion(tx: EntityManager, ids: number[], where: { isActive?: false } = {}) {
  if (ids.length === 0) return { ids, withMoney: new Set<number>() };
  const lockMode = LockMode.PESSIMISTIC_WRITE;
  const locked = await tx.find(
    User,
    { id: { $in: ids }, ...where },
    { fields: ['id'], orderBy: { id: 'asc' }, lockMode },
  );
  const lockedIds = locked.map((user) => user.id);
  const accounts = lockedIds.length
    ? await tx.find(
        Account,
        { owner: { $in: lockedIds } },
        { fields: ['owner', 'balance'], orderBy: { id: 'asc' }, lockMode },
      )
    : [];
  return {
    ids: lockedIds,
    withMoney: new Set(
      accounts.filter((a) => toCents(formatMoney(a.balance)) > 0n).flatMap((a) => (a.owner ? [a.owner.id] : [])),
    ),
  };
}

/**
 * Deletes a user with their profile, role links and empty accounts. Refused (409) while the user owns money
 * (field `balance`) or has ledger history (field `accounts`): deactivate such users instead.
 */
export async function deleteUser(em: EntityManager, id: number, actor: Actor): Promise<void> {
  await retrying(em, () =>
    unitOfWork(em, async (tx) => {
      await keepAnActiveAdmin(tx, actor, [id], 'delete');
      const { ids, withMoney } = await lockForDeletion(tx, [id]);
      foundOrFail(ids[0], 'user', id);
      if (withMoney.size > 0) throw new ConflictError(`user ${id} still owns a non-zero balance`, 'balance');
      if ((await withLedgerHistory(tx, [id])).size > 0) {
        throw new ConflictError(
          `user ${id} has accounts with ledger history or orders, which the shop keeps: deactivate the user instead (users.update with isActive: false)`,
          'accounts',
        );
      }
      // Profile, role links and (empty, unused) accounts go with the user through ON DELETE CASCADE.
      await tx.nativeDelete(User, { id });
    }),
  );
}

/**
 * Deletes every inactive user in one statement, except those who still hold money or have ledger history
 * (they are kept, and counted by reason: money first).
 */
export async function deleteInactiveUsers(
  em: EntityManager,
): Promise<{ deleted: number; keptWithBalance: number; keptWithHistory: number }> {
  return retrying(em, () =>
    unitOfWork(em, async (tx) => {
      // The candidates, read without locks; then locked by id, and kept only if still inactive.
      const candidates = await tx.find(User, { isActive: false }, { fields: ['id'] });
      const { ids, withMoney } = await lockForDeletion(
        tx,
        candidates.map((user) => user.id),
        { isActive: false },
      );
      if (ids.length === 0) return { deleted: 0, keptWithBalance: 0, keptWithHistory: 0 };
      const withHistory = await withLedgerHistory(tx, ids);
      const kept = new Set([...withMoney, ...withHistory]);
      const doomed = ids.filter((userId) => !kept.has(userId));
      const deleted = doomed.length ? await tx.nativeDelete(User, { id: { $in: doomed } }) : 0;
      return {
        deleted,
        keptWithBalance: withMoney.size,
        keptWithHistory: [...withHistory].filter((userId) => !withMoney.has(userId)).length,
      };
    }),
  );
}
