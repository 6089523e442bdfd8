// Sign-in limits are shared by every API process: two servers, each with its own ORM (its own connection
// or pool) on ONE database, count the same budgets. With per-process limits an attacker alternating
// between them would get twice the budget.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser, type Orm, openOrm, requireMigrated } from '@shop/db';
import { createTestDatabase, serverUnavailable, type TestDatabase, testDialect } from '@shop/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiServer, createApiServer } from '../src/http/server.ts';
import { DEFAULT_LOGIN_LIMITS } from '../src/trpc/login-limiter.ts';

const unavailable = serverUnavailable();

/** Two ORMs on one database: a SQLite file (`:memory:` would be one database per connection) or a server's. */
async function openTwice(): Promise<{ orms: [Orm, Orm]; cleanup: () => Promise<void> }> {
  if (testDialect !== 'sqlite') {
    const db: TestDatabase = await createTestDatabase(testDialect);
    const second = await openOrm(db.target, { pool: { max: 4, idleTimeoutMillis: 1_000 } });
    await requireMigrated(second, 'the second server'); // as each server checks at start-up
    return {
      orms: [db.orm, second],
      cleanup: async () => {
        await second.close(true);
        await db.destroy();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'shop-login-limits-'));
  const target = { dialect: 'sqlite' as const, file: join(dir, 'shop.db') };
  const first = await openOrm(target);
  await first.migrator.up();
  const second = await openOrm(target);
  await requireMigrated(second, 'the second server');
  return {
    orms: [first, second],
    cleanup: async () => {
      await second.close(true);
      await first.close(true);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let cleanup: (() => Promise<void>) | undefined;
let orms: [Orm, Orm];
const servers: ApiServer[] = [];
const urls: string[] = [];

beforeAll(async () => {
  if (unavailable) return;
  ({ orms, cleanup } = await openTwice());
  for (const orm of orms) {
    // The servers' own default limiter: the one `main.ts` gets.
    const server = createApiServer({ orm, log: pino({ level: 'silent' }) });
    servers.push(server);
    urls.push(await server.listen(0, '127.0.0.1'));
  }
}, 60_000);

afterAll(async () => {
  for (const server of servers) await server.close();
  await cleanup?.();
});

beforeEach(async () => {
  if (!unavailable) await orms[0].schema.clear();
});

/**
 * tRPC over HTTP with the superjson transformer: `{ json: input }`; the answer's HTTP status. The client's
 * address is `from` (any 127.x.y.z reaches the loopback servers), so tests can play several clients.
 */
function signIn(url: string, identifier: string, password: string, from = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${url}/auth.login`,
      { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json' } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify({ json: { identifier, password } }));
  });
}

describe.skipIf(unavailable)('sign-in limits across two API servers on one database', () => {
  it('counts failed sign-ins of one account on both servers against one budget, by username or email', async () => {
    await createUser(orms[0].em.fork(), { username: 'gina', email: 'gina@example.com', password: 'gina-password' });
    const { failuresPerAccount } = DEFAULT_LOGIN_LIMITS;
    const identifiers = ['gina', 'gina@example.com', ' GINA@Example.com '];
    const statuses: number[] = [];
    for (let i = 0; i < failuresPerAccount; i++) {
      statuses.push(await signIn(urls[i % 2]!, identifiers[i % identifiers.length]!, 'wrong-password'));
    }
    expect(statuses).toEqual(Array(failuresPerAccount).fill(401));
    // Each server saw only part of the failures, under three spellings, yet both refuse the account now, by
    // either identifier, even with the right password.
    expect(await signIn(urls[0]!, 'gina', 'gina-password')).toBe(429);
    expect(await signIn(urls[1]!, 'gina@example.com', 'gina-password')).toBe(429);
  });

  it('keeps the budgets of users whose names differ only in case apart, and a success clears its account', async () => {
    const em = () => orms[0].em.fork();
    await createUser(em(), { username: 'Ann', email: 'ann.upper@example.com', password: 'ann-upper-password' });
    await createUser(em(), { username: 'ann', email: 'ann.lower@example.com', password: 'ann-lower-password' });
    const { failuresPerAccount } = DEFAULT_LOGIN_LIMITS;
    for (let i = 0; i < failuresPerAccount; i++) expect(await signIn(urls[i % 2]!, 'Ann', 'wrong-password')).toBe(401);
    expect(await signIn(urls[0]!, 'ann.upper@example.com', 'ann-upper-password')).toBe(429);
    // "ann" is another account: Ann's failures neither count against it nor lock it.
    for (let i = 0; i < failuresPerAccount - 1; i++) {
      expect(await signIn(urls[i % 2]!, 'ann.lower@example.com', 'wrong-password')).toBe(401);
    }
    // Its right password, by username, clears the failures made by email: a full budget again.
    expect(await signIn(urls[1]!, 'ann', 'ann-lower-password')).toBe(200);
    for (let i = 0; i < failuresPerAccount; i++) expect(await signIn(urls[i % 2]!, 'ann', 'wrong-password')).toBe(401);
    expect(await signIn(urls[0]!, 'ann', 'ann-lower-password')).toBe(429);
  });

  it('lets no more failed sign-ins through than the budget when they arrive at once on both servers', async () => {
    await createUser(orms[0].em.fork(), { username: 'hal', email: 'hal@example.com', password: 'hal-password' });
    const { failuresPerAccount } = DEFAULT_LOGIN_LIMITS;
    // Twice the budget, all in flight together (each verification costs an argon2 hash): every attempt is
    // counted before its password is checked, so the ones past the budget never reach the check.
    const statuses = await Promise.all(
      Array.from({ length: 2 * failuresPerAccount }, (_, i) => signIn(urls[i % 2]!, 'hal', 'wrong-password')),
    );
    expect(statuses.filter((status) => status === 401)).toHaveLength(failuresPerAccount);
    expect(statuses.filter((status) => status === 429)).toHaveLength(failuresPerAccount);
    expect(await signIn(urls[0]!, 'hal', 'hal-password')).toBe(429);
  });

  it('does not lock the owner out: guesses from another address on both servers refuse that address only', async () => {
    await createUser(orms[0].em.fork(), { username: 'owen', email: 'owen@example.com', password: 'owen-password' });
    const { failuresPerAccount } = DEFAULT_LOGIN_LIMITS;
    for (let i = 0; i < failuresPerAccount; i++) {
      expect(await signIn(urls[i % 2]!, 'owen', 'wrong-password', '127.0.0.2')).toBe(401);
    }
    // The attacker's address is out of guesses on both servers, even with the right password...
    expect(await signIn(urls[0]!, 'owen', 'owen-password', '127.0.0.2')).toBe(429);
    expect(await signIn(urls[1]!, 'owen', 'wrong-password', '127.0.0.2')).toBe(429);
    // ...and the owner, at their own address, signs in on either (before: 429 for 15 minutes).
    expect(await signIn(urls[1]!, 'owen', 'owen-password', '127.0.0.1')).toBe(200);
    expect(await signIn(urls[0]!, 'owen@example.com', 'owen-password', '127.0.0.1')).toBe(200);
  });

  it('lets 8 simultaneous sign-ins with the right password through on one server', async () => {
    await createUser(orms[0].em.fork(), { username: 'sam', email: 'sam@example.com', password: 'sam-password' });
    const statuses = await Promise.all(Array.from({ length: 8 }, () => signIn(urls[0]!, 'sam', 'sam-password')));
    expect(statuses).toEqual(Array(8).fill(200)); // before: 5 × 200, 3 × 429
  });

  it('counts all sign-ins of one client address on both servers against one budget', async () => {
    const { attemptsPerAddress } = DEFAULT_LOGIN_LIMITS;
    const statuses: number[] = [];
    for (let i = 0; i < attemptsPerAddress; i++) {
      statuses.push(await signIn(urls[i % 2]!, `sprayed${i}`, 'whatever-password'));
    }
    expect(statuses).toEqual(Array(attemptsPerAddress).fill(401));
    expect(await signIn(urls[0]!, 'another', 'whatever-password')).toBe(429);
    expect(await signIn(urls[1]!, 'another', 'whatever-password')).toBe(429);
  });
});
