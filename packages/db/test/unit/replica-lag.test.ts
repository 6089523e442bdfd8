// How far behind a replica is, from what it and the primary said at a check (replicas.ts replicaLag): an
// upper bound, never an underestimate, that neither an idle primary nor a busy one throws off.
import { describe, expect, it } from 'vitest';
import { parseLsn, replicaLag } from '../../src/driver/replica-health.ts';

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
