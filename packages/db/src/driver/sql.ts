// Typed SQL through Kysely (MikroORM's own `em.getKysely()`, so it runs on the EntityManager's connection and
// inside its transaction): the read paths select only a view's columns and map rows straight to DTOs, and
// single-statement writes (conditional balance updates, sign-in budgets) use it too. Parameters stay bound,
// so SQLite and PostgreSQL reuse prepared statements. Also: how each dialect returns and takes values.
import type { InferKyselyDB } from '@mikro-orm/sql';
import type {
  CompiledQuery,
  Kysely,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryId,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { type Expression, sql } from 'kysely';
import { formatMoney } from '../domain/money.ts';
import type { entities } from '../entities/index.ts';
import { dialectOf, type EntityManager, type QueryListener, queryListenerOf } from './orm.ts';
import { readsFromReplica } from './replicas.ts';

/** Tables as MikroORM infers them from the entities, plus the M:N pivot it creates for users ↔ roles. */
export type ShopDB = InferKyselyDB<(typeof entities)[number]> & {
  user_roles: { user_id: number; role_id: number };
};

/** The row type a `select…(em)` builder of the read paths yields. */
export type RowOf<Select extends (em: EntityManager) => { executeTakeFirstOrThrow(): Promise<unknown> }> = Awaited<
  ReturnType<ReturnType<Select>['executeTakeFirstOrThrow']>
>;

// Kysely hands plugins every (sub)query node it builds, but results only of executed statements: the
// SQL is compiled when a node passes and reported when its result does.
class ListeningPlugin implements KyselyPlugin {
  readonly #compile: (node: RootOperationNode, queryId: QueryId) => CompiledQuery;
  readonly #listener: QueryListener;
  readonly #pending = new WeakMap<QueryId, CompiledQuery>();
  constructor(compile: (node: RootOperationNode, queryId: QueryId) => CompiledQuery, listener: QueryListener) {
    this.#compile = compile;
    this.#listener = listener;
  }
  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    this.#pending.set(queryId, this.#compile(node, queryId));
    return node;
  }
  transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const executed = this.#pending.get(queryId);
    if (executed !== undefined) this.#listener(executed.sql, executed.parameters);
    return Promise.resolve(result);
  }
}

/**
 * The typed query builder bound to `em` (and to its transaction, inside `em.transactional`), for reads and
 * writes alike. On the primary, except for a readReplicaFork outside a transaction: MikroORM's getKysely()
 * asks for a 'write' connection unless told 'read'. With an
 * `onQuery` listener (the tests' statement counter) its executed statements are reported like ORM ones.
 */
export function kysely(em: EntityManager): Kysely<ShopDB> {
  const db = em.getKysely<ShopDB>(readsFromReplica(em) ? { type: 'read' } : {});
  const listener = queryListenerOf(em);
  if (!listener) return db;
  const executor = db.getExecutor();
  return db.withPlugin(new ListeningPlugin((node, queryId) => executor.compileQuery(node, queryId), listener));
}

/**
 * Column values as each driver returns them, to the DTO's types: SQLite gives epoch milliseconds,
 * 0/1, JSON text and REAL; PostgreSQL gives timestamp text, booleans, parsed JSON and NUMERIC text.
 */
export interface RowDecoder {
  date(value: unknown): Date;
  dateOrNull(value: unknown): Date | null;
  bool(value: unknown): boolean;
  json<T>(value: unknown): T | null;
  money(value: unknown): string;
}

const decoders = new WeakMap<object, RowDecoder>();

export function rowDecoder(em: EntityManager): RowDecoder {
  const platform = em.getPlatform();
  let decoder = decoders.get(platform);
  if (decoder) return decoder;
  const date = (value: unknown): Date => {
    if (value instanceof Date) return value;
    if (typeof value === 'number') return new Date(value);
    return platform.parseDate(value as string) as Date;
  };
  decoder = {
    date,
    dateOrNull: (value) => (value === null || value === undefined ? null : date(value)),
    bool: (value) => value === true || value === 1 || value === '1' || value === 't',
    json: <T>(value: unknown) => {
      if (value === null || value === undefined) return null;
      return (typeof value === 'string' ? JSON.parse(value) : value) as T;
    },
    money: (value) => formatMoney(value as string | number),
  };
  decoders.set(platform, decoder);
  return decoder;
}

/** Parameters in the form each dialect stores: SQLite keeps booleans as 0/1 and datetimes as epoch ms. */
export interface ParamEncoder {
  bool(value: boolean): boolean | number;
  date(value: Date): Date | number;
  /** A decimal string; SQLite compares it with the REAL it stores for NUMERIC, PostgreSQL as NUMERIC. */
  money(value: string): string | number;
}

const sqliteParams: ParamEncoder = {
  bool: (value) => (value ? 1 : 0),
  date: (value) => value.getTime(),
  money: (value) => Number(value),
};
const serverParams: ParamEncoder = { bool: (value) => value, date: (value) => value, money: (value) => value };

export const paramEncoder = (em: EntityManager): ParamEncoder =>
  dialectOf(em) === 'sqlite' ? sqliteParams : serverParams;

/**
 * sum() over a money column, rounded to two places in SQL: SQLite stores NUMERIC as REAL, so a raw sum of
 * 0.10s drifts (19999.999999999996); rounded, it is exact while totals stay below 2^53 cents.
 */
export const moneySum = (column: Expression<unknown>) => sql<string | number | null>`round(sum(${column}), 2)`;
