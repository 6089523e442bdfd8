// User reads: by id or username, pages, search, role members, counts. One statement each: the profile is
// left-joined and the role names come as a JSON array from a correlated subquery. Only getUser serves a
// user's own row (auth.me) and takes a scope; the rest serve admins only (the users and roles routers).
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';
import { jsonArrayFrom as postgresJsonArrayFrom } from 'kysely/helpers/postgres';
import { jsonArrayFrom as sqliteJsonArrayFrom } from 'kysely/helpers/sqlite';
import { ownedBy, type Scope } from '../../domain/scope.ts';
import { dialectOf, type EntityManager } from '../../driver/orm.ts';
import { kysely, paramEncoder, type RowOf, rowDecoder, type ShopDB } from '../../driver/sql.ts';
import { containsIgnoringCase } from '../../driver/text-search.ts';
import { foundOrFail } from '../not-found.ts';
import { cappedCount, countLimit, type Page, type PageRequest, pageTotal, pageWindow, toPage } from '../pagination.ts';

export interface UserView {
  id: number;
  username: string;
  email: string;
  isActive: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  roles: string[];
  profile: { firstName: string | null; lastName: string | null; bio: string | null } | null;
}

type UserScope = ShopDB & { u: ShopDB['users'] };
type UserFilter = (eb: ExpressionBuilder<UserScope, 'u'>) => Expression<SqlBool>;

/** The names of the roles of the user `u`, as a JSON array of `{ name }` (text on SQLite and MariaDB). */
export function roleNamesOf(em: EntityManager, eb: ExpressionBuilder<UserScope, 'u'>) {
  const dialect = dialectOf(em);
  if (dialect === 'mariadb') {
    // Kysely's MySQL helper ends in CAST(… AS JSON), which MariaDB does not have; its JSON is text anyway.
    return sql<{ name: string }[]>`(select coalesce(json_arrayagg(json_object('name', r.name)), '[]')
      from user_roles as ur inner join roles as r on r.id = ur.role_id where ur.user_id = ${eb.ref('u.id')})`;
  }
  // Same API, dialect-specific SQL: json_agg on PostgreSQL, json_group_array on SQLite.
  const jsonArrayFrom = dialect === 'sqlite' ? sqliteJsonArrayFrom : postgresJsonArrayFrom;
  return jsonArrayFrom(
    eb
      .selectFrom('user_roles as ur')
      .innerJoin('roles as r', 'r.id', 'ur.role_id')
      .select('r.name')
      .whereRef('ur.user_id', '=', 'u.id'),
  );
}

/** Sorted role names from the JSON array of `roleNamesOf`. */
export function decodeRoleNames(em: EntityManager, value: unknown): string[] {
  const roles = rowDecoder(em).json<{ name: string }[]>(value) ?? [];
  return roles.map((role) => role.name).sort();
}

/** The columns of a UserView: the user's own (never the password hash), the profile's, the role names. */
const selectUsers = (em: EntityManager) =>
  kysely(em)
    .selectFrom('users as u')
    .leftJoin('user_profiles as up', 'up.user_id', 'u.id')
    .select((eb) => [
      'u.id',
      'u.username',
      'u.email',
      'u.is_active',
      'u.last_login_at',
      'u.created_at',
      'u.updated_at',
      'up.id as profile_id',
      'up.first_name',
      'up.last_name',
      'up.bio',
      roleNamesOf(em, eb).as('roles'),
    ]);

type UserRow = RowOf<typeof selectUsers>;

function userRowMapper(em: EntityManager): (row: UserRow) => UserView {
  const decode = rowDecoder(em);
  return (row) => ({
    id: row.id,
    username: row.username,
    email: row.email,
    isActive: decode.bool(row.is_active),
    lastLoginAt: decode.dateOrNull(row.last_login_at),
    createdAt: decode.date(row.created_at),
    updatedAt: decode.date(row.updated_at),
    roles: decodeRoleNames(em, row.roles),
    profile:
      row.profile_id === null
        ? null
        : { firstName: row.first_name ?? null, lastName: row.last_name ?? null, bio: row.bio ?? null },
  });
}

export async function getUser(em: EntityManager, id: number, scope: Scope): Promise<UserView> {
  const query = selectUsers(em)
    .where('u.id', '=', id)
    .where((eb) => eb.and(ownedBy(scope, 'u.id')));
  return userRowMapper(em)(foundOrFail(await query.executeTakeFirst(), 'user', id));
}

/** The users with these ids, in the order given (the users a bulk write created, read back). */
export async function getUsers(em: EntityManager, ids: readonly number[]): Promise<UserView[]> {
  if (ids.length === 0) return [];
  const rows = await selectUsers(em).where('u.id', 'in', ids).execute();
  const byId = new Map(rows.map(userRowMapper(em)).map((user) => [user.id, user]));
  return ids.map((id) => foundOrFail(byId.get(id), 'user', id));
}

export async function getUserByUsername(em: EntityManager, username: string): Promise<UserView> {
  const row = foundOrFail(
    await selectUsers(em).where('u.username', '=', username).executeTakeFirst(),
    'user',
    username,
  );
  return userRowMapper(em)(row);
}

/** One page of the users matching `filter`, by id, with the capped total in the same statement. */
async function pageOfUsers(em: EntityManager, filter: UserFilter, request: PageRequest): Promise<Page<UserView>> {
  const window = pageWindow(request);
  const matching = kysely(em).selectFrom('users as u').select('u.id').where(filter);
  const count = cappedCount(kysely(em), matching, countLimit(window));
  const rows = await selectUsers(em)
    .select(count.as('total'))
    .where(filter)
    .orderBy('u.id', 'asc')
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  return toPage(rows.map(userRowMapper(em)), await pageTotal(rows, () => count, window), window);
}

export function listUsers(em: EntityManager, request: PageRequest & { isActive?: boolean } = {}) {
  const { isActive } = request;
  const active = paramEncoder(em).bool(isActive ?? true) as boolean;
  return pageOfUsers(em, (eb) => (isActive === undefined ? eb.and([]) : eb('u.is_active', '=', active)), request);
}

export interface UserSearch extends PageRequest {
  /** Case-insensitive "contains"; % and _ match literally. */
  username?: string;
  /** Exact match (case-insensitive: emails are stored lower-case). */
  email?: string;
  isActive?: boolean;
  createdAfter?: Date;
  /** 'all' keeps users matching every given criterion; 'any' keeps users matching at least one. */
  match?: 'all' | 'any';
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export function searchUsers(em: EntityManager, search: UserSearch): Promise<Page<UserView>> {
  const param = paramEncoder(em);
  const { username, email, isActive, createdAfter } = search;
  const criteria: UserFilter[] = [];
  if (username) criteria.push(() => containsIgnoringCase('u.username', username));
  if (email) criteria.push((eb) => eb('u.email', '=', normalizeEmail(email)));
  if (isActive !== undefined) criteria.push((eb) => eb('u.is_active', '=', param.bool(isActive) as boolean));
  if (createdAfter) criteria.push((eb) => eb('u.created_at', '>', param.date(createdAfter) as Date));
  // No criteria matches everyone, whichever the combinator.
  const combine = criteria.length > 0 && search.match === 'any' ? 'or' : 'and';
  return pageOfUsers(em, (eb) => eb[combine](criteria.map((criterion) => criterion(eb))), search);
}

/** The members of a role, by id; NotFoundError for an unknown role. */
export async function usersWithRole(
  em: EntityManager,
  roleName: string,
  request: PageRequest = {},
): Promise<Page<UserView>> {
  const role = foundOrFail(
    await kysely(em).selectFrom('roles').select('id').where('name', '=', roleName).executeTakeFirst(),
    'role',
    roleName,
  );
  return pageOfUsers(
    em,
    (eb) =>
      eb.exists(
        eb
          .selectFrom('user_roles as ur')
          .select('ur.user_id')
          .whereRef('ur.user_id', '=', 'u.id')
          .where('ur.role_id', '=', role.id),
      ),
    request,
  );
}

export async function countUsers(em: EntityManager): Promise<{ total: number; active: number }> {
  const active = paramEncoder(em).bool(true) as boolean;
  const row = await kysely(em)
    .selectNoFrom((eb) => [
      eb.selectFrom('users').select(eb.fn.countAll<number | string>().as('n')).as('total'),
      eb
        .selectFrom('users')
        .select(eb.fn.countAll<number | string>().as('n'))
        .where('is_active', '=', active)
        .as('active'),
    ])
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), active: Number(row.active) };
}
