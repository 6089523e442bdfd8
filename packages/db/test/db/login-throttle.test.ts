// Rate-limit budgets in the database (services/auth/login-throttle.ts): consume, reset, the end of a window,
// the purge of ended windows, and concurrent consumes from separate units of work.
import { testDialect, useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/entities/index.ts';
import { consumeBudget, purgeExpiredBudgets, resetBudget } from '../../src/services/auth/login-throttle.ts';

const { db, em } = useTestDatabase();

const T0 = new Date('2026-11-25T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const LIMIT = { points: 3, windowSeconds: 60 };

async function rows() {
  const found = await em().find(LoginThrottle, {}, { orderBy: { key: 'asc' } });
  return found.map(({ key, points, resetAt }) => ({ key, points, resetAt }));
}

describe('login throttle budgets', () => {
  it('consumes points until the budget is spent, then refuses until the window ends', async () => {
    const states = [];
    for (let i = 0; i < 4; i++) states.push(await consumeBudget(em(), 'address:10.0.0.1', { ...LIMIT, now: at(i) }));
    expect(states).toEqual([
      { allowed: true, used: 1, retryAfterSeconds: 0 },
      { allowed: true, used: 2, retryAfterSeconds: 0 },
      { allowed: true, used: 3, retryAfterSeconds: 0 },
      // The window opened at T0 ends at T0 + 60 s: 57 s left at T0 + 3 s.
      { allowed: false, used: 4, retryAfterSeconds: 57 },
    ]);
    // Refusals are counted too but never extend the window; the window is stored as MikroORM stores dates.
    expect(await consumeBudget(em(), 'address:10.0.0.1', { ...LIMIT, now: at(59.5) })).toEqual({
      allowed: false,
      used: 5,
      retryAfterSeconds: 1,
    });
    expect(await rows()).toEqual([{ key: 'address:10.0.0.1', points: 5, resetAt: at(60) }]);

    // At the window's end a new one starts with this point.
    expect(await consumeBudget(em(), 'address:10.0.0.1', { ...LIMIT, now: at(60) })).toEqual({
      allowed: true,
      used: 1,
      retryAfterSeconds: 0,
    });
    expect(await rows()).toEqual([{ key: 'address:10.0.0.1', points: 1, resetAt: at(120) }]);
  });

  it('keeps keys apart', async () => {
    await consumeBudget(em(), 'address:10.0.0.1', { ...LIMIT, now: T0 });
    await consumeBudget(em(), 'address:10.0.0.1', { ...LIMIT, now: T0 });
    expect(await consumeBudget(em(), 'address:10.0.0.2', { ...LIMIT, now: T0 })).toMatchObject({ used: 1 });
    expect(await rows()).toEqual([
      { key: 'address:10.0.0.1', points: 2, resetAt: at(60) },
      { key: 'address:10.0.0.2', points: 1, resetAt: at(60) },
    ]);
  });

  it('reset forgets a budget, and is idempotent', async () => {
    const key = 'account:gina';
    await consumeBudget(em(), key, { ...LIMIT, now: T0 });
    expect(await consumeBudget(em(), key, { ...LIMIT, now: at(10) })).toMatchObject({ used: 2 });
    await resetBudget(em(), key);
    expect(await rows()).toEqual([]);
    expect(await consumeBudget(em(), key, { ...LIMIT, now: at(20) })).toEqual({
      allowed: true,
      used: 1,
      retryAfterSeconds: 0,
    });
    expect(await rows()).toEqual([{ key, points: 1, resetAt: at(80) }]);
    await resetBudget(em(), 'account:never-seen'); // idempotent
  });

  it('purges only the budgets whose window has ended', async () => {
    await consumeBudget(em(), 'address:old', { ...LIMIT, now: T0 }); // ends at 60
    await consumeBudget(em(), 'account:old', { points: 3, windowSeconds: 30, now: T0 }); // ends at 30
    await consumeBudget(em(), 'address:current', { ...LIMIT, now: at(50) }); // ends at 110
    expect(await purgeExpiredBudgets(em(), at(29))).toBe(0);
    expect(await purgeExpiredBudgets(em(), at(60))).toBe(2);
    expect((await rows()).map((r) => r.key)).toEqual(['address:current']);
    expect(await purgeExpiredBudgets(em(), at(60))).toBe(0);
  });

  it('stores keys longer than the column, or holding a NUL, as their hash, each apart', async () => {
    const long = (c: string) => `account:${'x'.repeat(300)}${c}`;
    const nul = 'account:\u0000';
    const consume = (key: string) => consumeBudget(em(), key, { ...LIMIT, now: T0 });
    await consume(long('a'));
    expect(await consume(long('a'))).toMatchObject({ used: 2 });
    expect(await consume(long('b'))).toMatchObject({ used: 1 });
    expect(await consume(nul)).toMatchObject({ used: 1 });
    expect((await rows()).every((r) => /^sha256:[0-9a-f]{64}$/.test(r.key))).toBe(true);
    expect(await consume('account:')).toMatchObject({ used: 1 }); // not the NUL key's budget
    expect(await rows()).toHaveLength(4);
    await resetBudget(em(), long('a'));
    await resetBudget(em(), nul);
    expect((await rows()).map((r) => r.key)).toEqual(['account:', expect.stringMatching(/^sha256:/)]);
  });

  it(`counts 50 concurrent consumes of one key from separate forks exactly (${testDialect})`, async () => {
    const consumeAll = (now: Date) =>
      Promise.all(
        Array.from({ length: 50 }, () =>
          consumeBudget(db().orm.em.fork(), 'address:203.0.113.7', { points: 30, windowSeconds: 60, now }),
        ),
      );
    const first = await consumeAll(T0);
    // Every consume saw a different count: none was lost or counted twice.
    expect(first.map((s) => s.used).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(first.filter((s) => s.allowed)).toHaveLength(30);
    expect(await rows()).toEqual([{ key: 'address:203.0.113.7', points: 50, resetAt: at(60) }]);

    // 50 at once after the window ended: exactly one of them starts the new window.
    const second = await consumeAll(at(60));
    expect(second.map((s) => s.used).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await rows()).toEqual([{ key: 'address:203.0.113.7', points: 50, resetAt: at(120) }]);
  });
});
