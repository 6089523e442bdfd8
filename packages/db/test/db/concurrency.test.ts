// Concurrent transfers keep the books balanced. PostgreSQL gets the full load (16 workers, own forks);
// SQLite serializes transactions on its single connection, so it gets a smaller run of the same checks.
import { useTestDatabase } from '@shop/db/testing';
import { expect, it } from 'vitest';
import { Account, Transfer } from '../../src/entities/index.ts';
import { InsufficientFundsError } from '../../src/errors.ts';
import { openAccount, totalBalance, transferFunds } from '../../src/services/accounts.ts';
import { createUsers } from '../../src/services/users.ts';

const { em, db } = useTestDatabase();

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

it('keeps the total, never goes negative, and ledgers exactly the successes', async () => {
  const postgres = db().dialect === 'postgresql';
  const [workers, total] = postgres ? [16, 2_000] : [8, 200];
  const users = await createUsers(
    em(),
    Array.from({ length: 10 }, (_, i) => ({ username: `owner${i}`, email: `owner${i}@example.com` })),
  );
  const accounts = await Promise.all(users.map((u) => openAccount(em(), u.id, '100.00')));
  const before = await totalBalance(em());
  const random = rng(42);
  const jobs = Array.from({ length: total }, () => {
    const from = accounts[Math.floor(random() * 10)]!.id;
    let to = accounts[Math.floor(random() * 10)]!.id;
    if (to === from) to = accounts[(accounts.findIndex((a) => a.id === from) + 1) % 10]!.id;
    // Up to 60.00: many transfers exceed what the source holds at that moment.
    return {
      fromAccountId: from,
      toAccountId: to,
      amount: `${Math.floor(random() * 60)}.${String(Math.floor(random() * 100)).padStart(2, '0')}`,
    };
  }).filter((job) => job.amount !== '0.00');

  let successes = 0;
  let refused = 0;
  const unexpected: unknown[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      const worker = em(); // each worker its own EntityManager
      while (next < jobs.length) {
        const job = jobs[next++]!;
        try {
          await transferFunds(worker.fork(), job);
          successes++;
        } catch (error) {
          if (error instanceof InsufficientFundsError) refused++;
          else unexpected.push(error);
        }
      }
    }),
  );

  expect(unexpected).toEqual([]);
  expect(successes + refused).toBe(jobs.length);
  expect(successes).toBeGreaterThan(jobs.length / 4);
  expect(refused).toBeGreaterThan(0);
  expect(await totalBalance(em())).toBe(before);
  const balances = (await em().find(Account, {})).map((a) => Number(a.balance));
  expect(Math.min(...balances)).toBeGreaterThanOrEqual(0);
  expect(await em().count(Transfer)).toBe(successes);
}, 120_000);
