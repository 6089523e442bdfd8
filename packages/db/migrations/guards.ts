// Checks that migrations of every dialect share (this folder is not a dialect's, so the migrator never runs it).
import type { Migration } from '@mikro-orm/migrations';

/**
 * Refuses to go back to shop-wide unique idempotency keys once two callers use one key: the unique index
 * could not be built, and which of the two rows should lose its key cannot be decided here.
 */
export async function refuseSharedIdempotencyKeys(migration: Migration): Promise<void> {
  for (const table of ['orders', 'transfers']) {
    const shared = await migration.execute(
      `select idempotency_key from ${table} where idempotency_key is not null group by idempotency_key having count(*) > 1`,
    );
    if (shared.length > 0) {
      throw new Error(`${shared.length} idempotency key(s) of ${table} are used by more than one caller: down refused`);
    }
  }
}
