// @shop/db: the domain's rules, the entities, the services that own every unit of work, and the driver
// layer beneath them (configuration, dialect workarounds, migrations).
export * from './domain/errors.ts';
export * from './domain/limits.ts';
export * from './domain/money.ts';
export * from './domain/passwords.ts';
export * from './domain/scope.ts';
export { isDatabaseUnavailable } from './driver/connection-errors.ts';
export * from './driver/database-url.ts';
export * from './driver/driver-errors.ts';
export * from './driver/env.ts';
export * from './driver/migrations.ts';
export * from './driver/orm.ts';
export {
  callerWroteRecently,
  noteCallerWrite,
  REPLICA_STATES,
  type ReplicaEvent,
  type ReplicaListener,
  type ReplicaState,
  type ReplicaStatus,
  readReplicaFork,
  replicaStatus,
} from './driver/replicas.ts';
export { type FindNulOptions, findNul, type TextProblem } from './driver/text-guard.ts';
export * from './driver/text-search.ts';
export * from './entities/index.ts';
export { REVENUE, revenueAccountId } from './services/accounts/ledger.ts';
export * from './services/accounts/reads.ts';
export * from './services/accounts/writes.ts';
export * from './services/auth/login-throttle.ts';
export * from './services/auth/sessions.ts';
export * from './services/categories/reads.ts';
export * from './services/categories/writes.ts';
export * from './services/not-found.ts';
export * from './services/orders/reads.ts';
export * from './services/orders/writes.ts';
export * from './services/pagination.ts';
export * from './services/products/cursor.ts';
export * from './services/products/export.ts';
export * from './services/products/reads.ts';
export * from './services/products/writes.ts';
export * from './services/profiles/reads.ts';
export * from './services/profiles/writes.ts';
export * from './services/roles/reads.ts';
export * from './services/roles/writes.ts';
export * from './services/unit-of-work.ts';
export * from './services/users/admins.ts';
export * from './services/users/reads.ts';
export * from './services/users/writes.ts';
