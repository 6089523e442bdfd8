// The API with a real streaming replica (replica.ts builds a primary and a standby of it): which procedures
// a replica answers (a read that misses a row the primary has, while replay is paused, came from the
// replica), read-your-writes, /readyz and the log when the replica falls behind or stops, and a replica
// stopped under load without a single 5xx. PostgreSQL only: the "replica" project.
import {
  createCategory,
  createProduct,
  createUsers,
  deposit,
  ensureAdmin,
  login,
  openAccount,
  openOrm,
  Product,
} from '@shop/db';
import {
  type ReplicatedCluster,
  type ReplicatedDatabase,
  skipWithoutReplica,
  startReplicatedCluster,
} from '@shop/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { type ApiProcess, startApiProcess } from '../src/testing/api-process.ts';
import type { Meta } from '../src/trpc/init.ts';
import { appRouter } from '../src/trpc/router.ts';

/** A procedure's answer over HTTP: status and the superjson payload's json (or the error). */
interface Answer {
  status: number;
  data?: unknown;
  error?: { message?: string; data?: { code?: string } };
}

const CHECK = { REPLICA_CHECK_INTERVAL_MS: '100', LOG_LEVEL: 'info', LOG_FORMAT: 'json' };
const STICKY_MS = 1_500;

let cluster: ReplicatedCluster | undefined;
let database: ReplicatedDatabase;
/** Keeps the replica in rotation however far it falls behind: for the read-routing tests. */
let tolerant: ApiProcess;
/** Takes it out of rotation past 1 s of lag. */
let strict: ApiProcess;
const fixture = { adminToken: '', customerToken: '', accountId: 0, categoryId: 0, productIds: [] as number[] };

const answerOf = async (response: Response): Promise<Answer> => {
  const body = (await response.json()) as {
    result?: { data?: { json?: unknown } };
    error?: { json?: Answer['error'] };
  };
  return { status: response.status, data: body.result?.data?.json, error: body.error?.json };
};
const bearer = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** A tRPC query over GET, anonymous or with a session token. */
async function query(server: ApiProcess, path: string, input?: unknown, token?: string): Promise<Answer> {
  const search = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return answerOf(await fetch(`${server.url}/${path}${search}`, { headers: bearer(token) }));
}

/** A tRPC mutation over POST. */
async function mutate(server: ApiProcess, path: string, input: unknown, token?: string): Promise<Answer> {
  const headers = { ...bearer(token), 'content-type': 'application/json' };
  return answerOf(
    await fetch(`${server.url}/${path}`, { method: 'POST', headers, body: JSON.stringify({ json: input }) }),
  );
}

const productName = async (server: ApiProcess, id: number, token?: string) => {
  const answer = await query(server, 'products.byId', { id }, token);
  if (answer.status !== 200) throw new Error(`products.byId ${id} → ${answer.status} ${answer.error?.message}`);
  return (answer.data as { name: string }).name;
};

const readyz = async (server: ApiProcess) => {
  const response = await fetch(`${server.origin}/readyz`).catch((error: Error) => {
    const status = server.exitStatus();
    throw new Error(
      `/readyz: ${error.message}${status ? `; the server exited with ${status}` : ''}\n${server.describe()}`,
    );
  });
  type Replica = { name: string; state: string; inRotation: boolean; lagMs: number | null };
  return { status: response.status, body: (await response.json()) as { status: string; replicas: Replica[] } };
};

/** What the primary holds, written around the API (so no caller of it is marked as a writer). */
async function onPrimary<T>(work: (orm: Awaited<ReturnType<typeof openOrm>>) => Promise<T>): Promise<T> {
  const orm = await openOrm(database.primary);
  try {
    return await work(orm);
  } finally {
    await orm.close(true);
  }
}

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * The JSON log lines of `server` whose message matches, from the `since`-th on, once there is one: its
 * stdout is a pipe, read apart from its HTTP answers, so a line may arrive after /readyz says what it says.
 */
const loggedSince = async (server: ApiProcess, pattern: RegExp, since: number) => {
  await until(`a log line matching ${pattern}`, async () => logLines(server, pattern).length > since, 5_000);
  return logLines(server, pattern).slice(since);
};

/** The JSON log lines of `server` whose message matches. */
const logLines = (server: ApiProcess, pattern: RegExp) =>
  server
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string; replica?: { name: string } })
    .filter((line) => pattern.test(line.msg));

describe('which procedures a replica may answer', () => {
  it('exactly the public catalog reads, all of them queries', () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta; type: string } }>;
    const replicaReads = Object.entries(procedures).filter(([, procedure]) => procedure._def.meta?.reads === 'replica');
    expect(replicaReads.map(([path]) => path).sort()).toEqual([
      'categories.byId',
      'categories.list',
      'products.byId',
      'products.cursorList',
      'products.list',
      'products.summaries',
      'stats.categoryStats',
    ]);
    for (const [, procedure] of replicaReads) {
      expect(procedure._def).toMatchObject({ type: 'query', meta: { access: 'public' } });
    }
  });
});

describe('the API on a primary and its streaming replica', () => {
  beforeAll(async () => {
    if (inject('replicaUnavailable')) return;
    cluster = await startReplicatedCluster();
    database = await cluster.createDatabase();
    await onPrimary(async (orm) => {
      const em = () => orm.em.fork();
      await ensureAdmin(em(), { username: 'boss', email: 'boss@example.com', password: 'boss-password' });
      fixture.adminToken = (await login(em(), 'boss', 'boss-password'))?.token ?? '';
      const [customer] = await createUsers(em(), [
        { username: 'ann', email: 'ann@example.com', password: 'ann-password-1' },
      ]);
      fixture.customerToken = (await login(em(), 'ann', 'ann-password-1'))?.token ?? '';
      fixture.accountId = (await openAccount(em(), customer?.id as number, '10.00', 'any')).id;
      fixture.categoryId = (await createCategory(em(), 'Lamps')).id;
      for (let n = 0; n < 5; n++) {
        const lamp = await createProduct(em(), { name: `Lamp ${n}`, price: '9.90', categoryId: fixture.categoryId });
        fixture.productIds.push(lamp.id);
      }
    });
    await cluster.waitForReplay();
    const replicas = { DATABASE_URL: database.primary.url, DATABASE_REPLICA_URLS: database.replica.url };
    [tolerant, strict] = await Promise.all([
      startApiProcess({
        databaseUrl: database.primary.url,
        env: { ...replicas, ...CHECK, REPLICA_MAX_LAG_MS: '600000', REPLICA_STICKY_MS: String(STICKY_MS) },
      }),
      startApiProcess({
        databaseUrl: database.primary.url,
        env: { ...replicas, ...CHECK, REPLICA_MAX_LAG_MS: '1000' },
      }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([tolerant, strict].filter(Boolean).map((server) => server.stop()));
    await cluster?.destroy();
  });

  beforeEach(async (context) => {
    skipWithoutReplica(context);
    await cluster?.startReplica();
    await cluster?.resumeReplay();
    await cluster?.waitForReplay();
  });

  it('catalog reads are answered by the replica (they miss what it has not replayed); money is read on the primary', async () => {
    const [lamp] = fixture.productIds as [number];
    await cluster?.pauseReplay();
    await onPrimary(async (orm) => {
      await orm.em.fork().nativeUpdate(Product, { id: lamp }, { name: 'Renamed lamp' });
      await createCategory(orm.em.fork(), 'Fresh');
      await deposit(orm.em.fork(), fixture.accountId, { amount: '5.00', reason: 'a refund by post' }, 'any');
    });
    // Anonymous catalog reads over tRPC and REST: the replica's rows.
    expect(await productName(tolerant, lamp)).toBe('Lamp 0');
    const rest = (await (await fetch(`${tolerant.origin}/api/products/${lamp}`)).json()) as { name: string };
    expect(rest.name).toBe('Lamp 0');
    const list = await query(tolerant, 'products.list', { perPage: 100 });
    expect((list.data as { items: { name: string }[] }).items.map((p) => p.name)).toContain('Lamp 0');
    const categories = await query(tolerant, 'categories.list');
    expect((categories.data as { name: string }[]).map((c) => c.name)).toEqual(['Lamps']);
    const stats = await query(tolerant, 'stats.categoryStats', { minProducts: 0 });
    expect((stats.data as { name: string }[]).map((c) => c.name)).toEqual(['Lamps']);
    // A signed-in customer's catalog read goes to the replica too; its balance and its session to the primary.
    expect(await productName(tolerant, lamp, fixture.customerToken)).toBe('Lamp 0');
    const account = await query(tolerant, 'accounts.byId', { id: fixture.accountId }, fixture.customerToken);
    expect(account).toMatchObject({ status: 200, data: { balance: '15.00' } });
    // An admin's reads: the primary (every signed-in procedure reads there).
    const users = await query(tolerant, 'users.list', { perPage: 10 }, fixture.adminToken);
    expect(users.status).toBe(200);

    await cluster?.resumeReplay();
    await cluster?.waitForReplay();
    expect(await productName(tolerant, lamp)).toBe('Renamed lamp');
    expect(((await query(tolerant, 'categories.list')).data as { name: string }[]).map((c) => c.name)).toEqual([
      'Fresh',
      'Lamps',
    ]);
  });

  it('writes go to the primary, and a writer reads its own writes for REPLICA_STICKY_MS while others read the replica', async () => {
    const [, lamp] = fixture.productIds as [number, number];
    await cluster?.pauseReplay();
    // A write through the API while the replica is frozen: it lands on the primary (a standby refuses writes).
    const update = await mutate(
      tolerant,
      'products.update',
      { id: lamp, patch: { name: 'Written lamp' } },
      fixture.adminToken,
    );
    expect(update).toMatchObject({ status: 200, data: { name: 'Written lamp' } });
    const written = Date.now();
    // The window is this process's: another API process does not know of the write, and reads the writer's
    // catalog from its replica while that is at most its REPLICA_MAX_LAG_MS (1 s) behind…
    expect(await productName(strict, lamp, fixture.adminToken)).toBe('Lamp 1');
    // The writer, by its session: the primary. Anyone else: the replica, which has not replayed the write.
    expect(await productName(tolerant, lamp, fixture.adminToken)).toBe('Written lamp');
    expect(await productName(tolerant, lamp, fixture.customerToken)).toBe('Lamp 1');
    expect(await productName(tolerant, lamp)).toBe('Lamp 1');
    // …and from the primary once it has taken the replica, further behind, out of rotation.
    await until('the other process reads the write', async () => (await productName(strict, lamp)) === 'Written lamp');
    // Past the window the writer reads the replica again (here still frozen: the window, not luck, did it).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, written + STICKY_MS + 200 - Date.now())));
    expect(await productName(tolerant, lamp, fixture.adminToken)).toBe('Lamp 1');
    // A caller without a session is known by its address: after its sign-up (a write), its reads use the primary.
    const signUp = { username: 'newcomer', email: 'newcomer@example.com', password: 'newcomer-password' };
    expect((await mutate(tolerant, 'auth.register', signUp)).status).toBe(200);
    expect(await productName(tolerant, lamp)).toBe('Written lamp');
  });

  it('a replica more than REPLICA_MAX_LAG_MS behind: out of rotation in /readyz (still 200) and the log, reads from the primary, back when it catches up', async () => {
    const [, , lamp] = fixture.productIds as [number, number, number];
    await until('the replica is in rotation', async () => {
      const { body } = await readyz(strict);
      return body.replicas[0]?.inRotation === true;
    });
    const ready = await readyz(strict);
    expect(ready).toEqual({
      status: 200,
      body: {
        status: 'ready',
        databaseLatencyMs: expect.any(Number),
        replicas: [{ name: 'replica-1', state: 'in-rotation', inRotation: true, lagMs: expect.any(Number) }],
      },
    });
    const earlier = { left: logLines(strict, /leaves the rotation/).length, back: logLines(strict, /rejoins/).length };
    await cluster?.pauseReplay();
    await onPrimary((orm) => orm.em.fork().nativeUpdate(Product, { id: lamp }, { name: 'Lagged lamp' }));
    await until(
      'the replica leaves the rotation',
      async () => (await readyz(strict)).body.replicas[0]?.state === 'lagging',
    );
    const lagging = await readyz(strict);
    expect(lagging.status).toBe(200);
    expect(lagging.body.replicas).toEqual([
      { name: 'replica-1', state: 'lagging', inRotation: false, lagMs: expect.any(Number) },
    ]);
    expect(lagging.body.replicas[0]?.lagMs).toBeGreaterThan(1_000);
    // Out of rotation: anyone's catalog read comes from the primary.
    expect(await productName(strict, lamp)).toBe('Lagged lamp');
    const left = await loggedSince(strict, /leaves the rotation/, earlier.left);
    expect(left).toEqual([
      expect.objectContaining({
        level: 40,
        msg: expect.stringMatching(
          /^read replica replica-1 \(postgresql:\/\/postgres@127\.0\.0\.1:\d+\/shop_replica_\w+\) leaves the rotation: lagging, \d+ ms behind \(REPLICA_MAX_LAG_MS=1000\); its reads go to the primary$/,
        ),
        replica: expect.objectContaining({ name: 'replica-1', state: 'lagging', inRotation: false }),
      }),
    ]);
    await cluster?.resumeReplay();
    await until('the replica rejoins', async () => (await readyz(strict)).body.replicas[0]?.state === 'in-rotation');
    expect(await loggedSince(strict, /rejoins the rotation/, earlier.back)).toEqual([
      expect.objectContaining({
        level: 30,
        msg: expect.stringMatching(/^read replica replica-1 \(.*\) rejoins the rotation \(lag \d+ ms\)$/),
      }),
    ]);
  });

  it('the replica stopped under load: not one 5xx, reads answered by the primary, /readyz 200 naming it unreachable; it rejoins once restarted', async () => {
    const servers = [tolerant, strict];
    const statuses: Record<string, number> = {};
    const failures: string[] = [];
    let loading = true;
    let n = 0;
    const client = async (index: number) => {
      while (loading) {
        const server = servers[(index + n++) % servers.length] as ApiProcess;
        const id = fixture.productIds[n % fixture.productIds.length] as number;
        const step = n % 10;
        try {
          let status: number;
          if (step === 0) {
            const patch = { name: `Lamp ${id} mk ${n}` };
            status = (await mutate(server, 'products.update', { id, patch }, fixture.adminToken)).status;
          } else if (step < 4) status = (await query(server, 'products.byId', { id })).status;
          else if (step < 6) status = (await query(server, 'products.list', { perPage: 20, orderBy: 'price' })).status;
          else if (step < 7) status = (await query(server, 'categories.list')).status;
          else if (step < 8) status = (await fetch(`${server.origin}/api/products/${id}`)).status;
          else status = (await query(server, 'accounts.byId', { id: fixture.accountId }, fixture.customerToken)).status;
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status !== 200) failures.push(`step ${step} on ${server.pid} → ${status}`);
        } catch (error) {
          failures.push(`step ${step} on ${server.pid}: ${(error as Error).message}`);
        }
      }
    };
    const earlier = servers.map((server) => logLines(server, /leaves the rotation: unreachable/).length);
    const clients = Array.from({ length: 8 }, (_, index) => client(index));
    await new Promise((resolve) => setTimeout(resolve, 700));
    const before = { ...statuses };
    await cluster?.stopReplica('fast');
    try {
      for (const server of servers) {
        await until(
          'the replica is unreachable',
          async () => (await readyz(server)).body.replicas[0]?.state === 'unreachable',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 700));
    } finally {
      loading = false;
      await Promise.all(clients);
    }
    expect(failures).toEqual([]);
    expect(Object.keys(statuses)).toEqual(['200']);
    expect(statuses[200]).toBeGreaterThan((before[200] ?? 0) + 20);
    for (const [index, server] of servers.entries()) {
      expect(await readyz(server)).toEqual({
        status: 200,
        body: {
          status: 'ready',
          databaseLatencyMs: expect.any(Number),
          replicas: [{ name: 'replica-1', state: 'unreachable', inRotation: false, lagMs: null }],
        },
      });
      expect(await loggedSince(server, /leaves the rotation: unreachable/, earlier[index] ?? 0)).toEqual([
        expect.objectContaining({ level: 40, replica: expect.objectContaining({ state: 'unreachable' }) }),
      ]);
    }
    await cluster?.startReplica();
    for (const server of servers) {
      await until('the replica rejoins', async () => (await readyz(server)).body.replicas[0]?.state === 'in-rotation');
    }
  });
});
