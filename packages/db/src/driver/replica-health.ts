// How a read replica's health is told: which errors mean it is gone, its replay position, how far behind the
// primary it is, and the one reading each check takes (replicas.ts runs the checks and the rotation).
import type pg from 'pg';

export const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split('\n')[0] ?? '';

/** A WAL position ('16/B374D848') as a number. */
export function parseLsn(text: string): bigint {
  const [high = '0', low = '0'] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/** One reading of the primary's WAL insert position, taken just before `at` (ms). */
export interface PrimarySample {
  lsn: bigint;
  at: number;
}

/** What a replica said at one check. */
export interface ReplicaReading {
  inRecovery: boolean;
  /** pg_last_wal_replay_lsn(): everything up to here is visible on the replica. */
  replayLsn: bigint | null;
  /** now() − pg_last_xact_replay_timestamp() on the replica (ms); null before it replayed a transaction. */
  sinceLastReplayMs: number | null;
}

/**
 * How far behind the primary a replica is, at most (ms), or null when that cannot be told. 0 when it has
 * replayed the primary's position read just before it was asked. Otherwise the smaller of two upper bounds:
 * the age of the newest primary position it has passed (it holds every commit made before that reading;
 * no clock but this process's), and the age of the last transaction it replayed (every later commit is
 * younger; assumes the two hosts' clocks agree). The first alone would say "one interval" on a busy primary;
 * the second alone would count an idle primary's quiet minutes as lag.
 */
export function replicaLag(reading: ReplicaReading, samples: readonly PrimarySample[], now: number): number | null {
  const { replayLsn, sinceLastReplayMs } = reading;
  const current = samples.at(-1);
  if (replayLsn !== null && current && replayLsn >= current.lsn) return 0;
  const bounds: number[] = [];
  if (replayLsn !== null) {
    const passed = samples.findLast((sample) => sample.lsn <= replayLsn);
    if (passed) bounds.push(now - passed.at);
  }
  if (sinceLastReplayMs !== null) bounds.push(Math.max(0, sinceLastReplayMs));
  return bounds.length ? Math.round(Math.min(...bounds)) : null;
}

const REPLICA_READING = `select pg_is_in_recovery() as in_recovery, pg_last_wal_replay_lsn()::text as replay_lsn,
  (extract(epoch from (clock_timestamp() - pg_last_xact_replay_timestamp())) * 1000)::float8 as since_last_replay_ms`;

export async function readReplica(pool: pg.Pool): Promise<ReplicaReading> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{
      in_recovery: boolean;
      replay_lsn: string | null;
      since_last_replay_ms: number | null;
    }>(REPLICA_READING);
    const row = rows[0];
    const reading = {
      inRecovery: row?.in_recovery === true,
      replayLsn: row?.replay_lsn ? parseLsn(row.replay_lsn) : null,
      sinceLastReplayMs: row?.since_last_replay_ms ?? null,
    };
    client.release();
    return reading;
  } catch (error) {
    client.release(error as Error); // a connection that failed is not reused
    throw error;
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
