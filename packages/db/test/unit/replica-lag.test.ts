// How far behind a replica is, from what it and the primary said at a check (replicas.ts replicaLag): an
// upper bound, never an underestimate, that neither an idle primary nor a busy one throws off.
import { describe, expect, it } from 'vitest';
import { isConnectionFailure, parseLsn, replicaLag } from '../../src/driver/replica-health.ts';

const samples = [
  { lsn: parseLsn('0/1000'), at: 10_000 },
  { lsn: parseLsn('0/2000'), at: 11_000 },
  { lsn: parseLsn('0/3000'), at: 12_000 },
];

describe('replicaLag', () => {
  it('is 0 when the replica replayed what the primary had just before the check', () => {
    expect(
      replicaLag({ inRecovery: true, replayLsn: parseLsn('0/3000'), sinceLastReplayMs: 60_000 }, samples, 12_050),
    ).toBe(0);
  });

  it('is at most the age of the newest primary position it has passed, even on a primary idle for minutes', () => {
    // Its last transaction is a minute old (an idle primary), but it has passed the position read 1 s ago.
    expect(
      replicaLag({ inRecovery: true, replayLsn: parseLsn('0/2800'), sinceLastReplayMs: 60_000 }, samples, 12_050),
    ).toBe(1_050);
  });

  it('is at most the age of the last transaction it replayed, on a busy primary whose positions it just missed', () => {
    expect(
      replicaLag({ inRecovery: true, replayLsn: parseLsn('0/2800'), sinceLastReplayMs: 12 }, samples, 12_050),
    ).toBe(12);
  });

  it('grows while replay is paused behind the primary', () => {
    const paused = { inRecovery: true, replayLsn: parseLsn('0/1800'), sinceLastReplayMs: 2_500 };
    expect(replicaLag(paused, samples, 12_050)).toBe(2_050);
    expect(replicaLag({ ...paused, sinceLastReplayMs: 900 }, samples, 12_050)).toBe(900);
  });

  it('is unknown (null) when neither bound exists: behind every position kept and no transaction replayed', () => {
    expect(
      replicaLag({ inRecovery: true, replayLsn: parseLsn('0/800'), sinceLastReplayMs: null }, samples, 12_050),
    ).toBeNull();
    expect(replicaLag({ inRecovery: true, replayLsn: null, sinceLastReplayMs: null }, [], 0)).toBeNull();
  });

  it('reads WAL positions past 32 bits', () => {
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    expect(parseLsn('1/0') > parseLsn('0/FFFFFFFF')).toBe(true);
  });
});

describe('isConnectionFailure', () => {
  it('tells a replica that went away from a statement it refused', () => {
    expect(
      isConnectionFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(
      isConnectionFailure(
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ),
    ).toBe(true);
    expect(isConnectionFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(
      true,
    );
    expect(
      isConnectionFailure(
        Object.assign(new Error('canceling statement due to conflict with recovery'), { code: '40001' }),
      ),
    ).toBe(false);
    expect(isConnectionFailure(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
    // pg-pool says this both for a connection not made in time and for a pool whose connections were all busy.
    expect(isConnectionFailure(new Error('timeout exceeded when trying to connect'))).toBe(false);
  });
});
