// Concurrent transfers keep the books balanced.
// - 16 workers sharing 2,000 transfers: PostgreSQL and MariaDB. SQLite has one connection behind a mutex, so its
//   transactions run one after another whatever the callers do: the load would test nothing there.
// - 200 transfers started at once through Promise.all: every dialect (on SQLite this is what "concurrent"
//   means: interleaved callers queueing for the one connection).
import { testDialect, totalBalance, useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { InsufficientFundsError } from '../../src/domain/errors.ts';
import { formatMoney, toCents } from '../../src/domain/money.ts';
import type { EntityManager } from '../../src/driver/orm.ts';
import { Account, Transfer } from '../../src/entities/index.ts';
import type { AccountView } from '../../src/services/accounts/reads.ts';
import { openAccount, type TransferRequest, transferFunds } from '../../src/services/accounts/writes.ts';
import { createUsers } from '../../src/services/users/writes.ts';

const { em } = useTestDatabase();

/** Deterministic pseudo-random numbers (the interleaving is random enough on its own). */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const OPENING = ['100.00', '250.50', '0.00', '75.25', '10.01', '500.00', '33.33', '1.99', '120.00', '60.40'];

async function openTenAccounts(): Promise<AccountView[]> {
  const users = await createUsers(
    em(),
    OPENING.map((_, i) => ({ username: `owner${i}`, email: `owner${i}@example.com` })),
  );
  const accounts: AccountView[] = [];
  for (const [i, user] of users.entries()) accounts.push(await openAccount(em(), user.id, OPENING[i] ?? '0.00', 'any'));
  return accounts;
}

function randomTransfers(accounts: AccountView[], count: number, seed: number): TransferRequest[] {
  const random = rng(seed);
  return Array.from({ length: count }, () => {
    const from = Math.floor(random() * accounts.length);
    const to = (from + 1 + Math.floor(random() * (accounts.length - 1))) % accounts.length;
    // Mostly up to 80.00 (often more than the source holds at that moment), sometimes far too much.
    const whole = random() < 0.05 ? 1_000 + Math.floor(random() * 1_000) : Math.floor(random() * 80);
    const cents = 1 + Math.floor(random() * 99);
    return {
      fromAccountId: accounts[from]!.id,
      toAccountId: accounts[to]!.id,
      amount: `${whole}.${String(cents).padStart(2, '0')}`,
    };
  });
}

interface Outcomes {
  succeeded: TransferRequest[];
  refused: TransferRequest[];
  unexpected: unknown[];
}

async function attempt(worker: EntityManager, job: TransferRequest, outcomes: Outcomes): Promise<void> {
  try {
    const { replayed } = await transferFunds(worker, job, 'any');
    if (replayed) outcomes.unexpected.push(new Error('replayed without an idempotency key'));
    outcomes.succeeded.push(job);
  } catch (error) {
    if (error instanceof InsufficientFundsError) outcomes.refused.push(job);
    else outcomes.unexpected.push(error); // DeadlockException, a lost connection, anything else
  }
}

/** The invariants: nothing created or lost, nothing negative, the ledger is exactly the successes. */
async function expectConsistent(accounts: AccountView[], before: string, outcomes: Outcomes, total: number) {
  expect(outcomes.unexpected).toEqual([]);
  expect(outcomes.succeeded.length + outcomes.refused.length).toBe(total);
  expect(outcomes.succeeded.length).toBeGreaterThan(0);
  expect(outcomes.refused.length).toBeGreaterThan(0);

  expect(await totalBalance(em())).toBe(before);
  const final = new Map((await em().find(Account, {})).map((a) => [a.id, toCents(formatMoney(a.balance))] as const));
  for (const [id, cents] of final) expect(cents, `account ${id}`).toBeGreaterThanOrEqual(0n);

  // The accounts' opening deposits are top-ups; the transfers are what the jobs did.
  const ledger = await em().find(Transfer, { kind: 'transfer' });
  expect(ledger).toHaveLength(outcomes.succeeded.length);
  const key = (t: { from: number; to: number; amount: string }) => `${t.from}>${t.to}:${toCents(t.amount)}`;
  expect(
    ledger.map((t) => key({ from: t.fromAccount!.id, to: t.toAccount!.id, amount: formatMoney(t.amount) })).sort(),
  ).toEqual(outcomes.succeeded.map((j) => key({ from: j.fromAccountId, to: j.toAccountId, amount: j.amount })).sort());

  // Every balance is its opening balance plus what the ledger says came in, minus what went out.
  const expected = new Map(accounts.map((a, i) => [a.id, toCents(OPENING[i]!)]));
  for (const t of ledger) {
    const cents = toCents(formatMoney(t.amount));
    expected.set(t.fromAccount!.id, expected.get(t.fromAccount!.id)! - cents);
    expected.set(t.toAccount!.id, expected.get(t.toAccount!.id)! + cents);
  }
  expect(final).toEqual(expected);
}

// The database servers, with real concurrency (SQLite runs one transaction at a time).
describe.runIf(testDialect !== 'sqlite')(`${testDialect} under load`, () => {
  it('16 workers, 2,000 random transfers: total kept, never negative, ledger == successes', async () => {
    const accounts = await openTenAccounts();
    const before = await totalBalance(em());
    const jobs = randomTransfers(accounts, 2_000, 42);
    const outcomes: Outcomes = { succeeded: [], refused: [], unexpected: [] };
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        const worker = em(); // each worker its own EntityManager fork, used for all of its transfers
        for (let job = jobs[next++]; job; job = jobs[next++]) await attempt(worker, job, outcomes);
      }),
    );
    await expectConsistent(accounts, before, outcomes, jobs.length);
  }, 90_000);
});

describe('transfers started all at once', () => {
  it('200 concurrent transfers through Promise.all keep the books balanced', async () => {
    const accounts = await openTenAccounts();
    const before = await totalBalance(em());
    const jobs = randomTransfers(accounts, 200, 7);
    const outcomes: Outcomes = { succeeded: [], refused: [], unexpected: [] };
    await Promise.all(jobs.map((job) => attempt(em(), job, outcomes)));
    await expectConsistent(accounts, before, outcomes, jobs.length);
  }, 60_000);
});
