// Read replicas against a real streaming replica (replica.ts builds a primary and a standby of it): which
// connection each kind of read takes, seen from that connection (pg_is_in_recovery()); a replica that falls
// behind (replay paused) or stops, and the reads that must not notice. PostgreSQL only: the "replica" project.

import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';
import {
  type ReplicatedCluster,
  type ReplicatedDatabase,
  skipWithoutReplica,
  startReplicatedCluster,
} from '@shop/db/testing';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { ReplicaSettings } from '../../src/driver/env.ts';
import { type Orm, openOrm } from '../../src/driver/orm.ts';
import {
  callerWroteRecently,
  noteCallerWrite,
  type ReplicaEvent,
  readReplicaFork,
  replicaStatus,
} from '../../src/driver/replicas.ts';
import { kysely } from '../../src/driver/sql.ts';
import { Product } from '../../src/entities/index.ts';
import { createCategory } from '../../src/services/categories/writes.ts';
import { getProduct, listProducts } from '../../src/services/products/reads.ts';
import { createProduct } from '../../src/services/products/writes.ts';

let cluster: ReplicatedCluster | undefined;
let database: ReplicatedDatabase;
let orm: Orm | undefined;
let events: ReplicaEvent[] = [];

const settings = (overrides: Partial<ReplicaSettings> = {}): ReplicaSettings => ({
  targets: [database.replica],
  maxLagMs: 600,
  checkIntervalMs: 100,
  checkTimeoutMs: 1_000,
  stickyMs: 300,
  ...overrides,
});

const open = (overrides: Partial<ReplicaSettings> = {}) =>
  openOrm(database.primary, { replicas: settings(overrides), onReplicaEvent: (event) => events.push(event) });

/** Which server answers a query built on `em`: true on the replica (a standby is in recovery). */
const inRecovery = async (db: ReturnType<typeof kysely>) =>
  (await db.selectNoFrom(sql<boolean>`pg_is_in_recovery()`.as('recovery')).executeTakeFirstOrThrow()).recovery;

const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

beforeAll(async () => {
  if (inject('replicaUnavailable')) return;
  cluster = await startReplicatedCluster();
  database = await cluster.createDatabase();
}, 60_000);

afterAll(async () => {
  await orm?.close(true);
  await cluster?.destroy();
});

beforeEach((context) => {
  skipWithoutReplica(context);
  events = [];
});

afterEach(async () => {
  await orm?.close(true);
  orm = undefined;
  await cluster?.startReplica(); // after a test that stopped it
});

describe('which connection a read takes', () => {
  it('typed reads of a readReplicaFork run on the replica; other forks, transactions and ORM reads on the primary', async () => {
    orm = await open();
    expect(replicaStatus(orm)).toEqual([
      { name: 'replica-1', state: 'in-rotation', inRotation: true, lagMs: expect.any(Number), problem: null },
    ]);
    const reader = readReplicaFork(orm);
    expect(await inRecovery(kysely(reader))).toBe(true);
    expect(await inRecovery(kysely(orm.em.fork()))).toBe(false);
    // MikroORM's own getKysely() asks for the primary unless told 'read': checked, not assumed.
    expect(await inRecovery(reader.getKysely())).toBe(false);
    expect(await inRecovery(reader.getKysely({ type: 'read' }))).toBe(true);
    // Inside a unit of work every read is on the primary, the replica fork's too.
    expect(await reader.transactional((tx) => inRecovery(kysely(tx)))).toBe(false);
    // The ORM's raw execute and em.find ask for 'write' connections (preferReadReplicas: false).
    expect(await reader.execute('select pg_is_in_recovery() as recovery')).toEqual([{ recovery: false }]);
    // A fork of a replica fork is an ordinary fork.
    expect(await inRecovery(kysely(reader.fork()))).toBe(false);
  });

  it('the catalog read paths answer from the replica: a product written behind a paused replay is not there yet', async () => {
    orm = await open({ maxLagMs: 60_000 });
    const category = await createCategory(orm.em.fork(), 'Lamps');
    await cluster?.waitForReplay();
    await cluster?.pauseReplay();
    try {
      const lamp = await createProduct(orm.em.fork(), { name: 'Desk lamp', price: '19.90', categoryId: category.id });
      expect((await listProducts(orm.em.fork())).items.map((p) => p.name)).toEqual(['Desk lamp']);
      expect((await listProducts(readReplicaFork(orm))).items).toEqual([]);
      await expect(getProduct(readReplicaFork(orm), lamp.id)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    } finally {
      await cluster?.resumeReplay();
    }
    await cluster?.waitForReplay();
    expect((await listProducts(readReplicaFork(orm))).items.map((p) => p.name)).toEqual(['Desk lamp']);
  });

  it('a write through a replica fork goes to the primary, and answers with what it wrote', async () => {
    orm = await open();
    const reader = readReplicaFork(orm);
    const category = await createCategory(reader, 'Chairs');
    const chair = await createProduct(reader, { name: 'Stool', price: '35.00', categoryId: category.id });
    expect(chair).toMatchObject({ name: 'Stool', category: { name: 'Chairs' } });
    expect(await orm.em.fork().count(Product, { id: chair.id })).toBe(1);
  });
});

describe('faults', () => {
  it('a replica behind by more than maxLagMs leaves the rotation with one line, reads go to the primary, and it rejoins when it catches up', async () => {
    orm = await open({ maxLagMs: 600 });
    const category = await createCategory(orm.em.fork(), 'Desks');
    await cluster?.pauseReplay();
    try {
      // Writes the replica does not replay; while it is within the bound its reads lag behind them.
      const desk = await createProduct(orm.em.fork(), {
        name: 'Standing desk',
        price: '299.00',
        categoryId: category.id,
      });
      await until('the replica leaves the rotation', () => replicaStatus(orm as Orm)[0]?.inRotation === false);
      const [status] = replicaStatus(orm);
      expect(status).toMatchObject({ state: 'lagging', inRotation: false });
      expect(status?.lagMs).toBeGreaterThan(600);
      expect(events.map((event) => [event.level, event.line])).toEqual([
        ['info', expect.stringMatching(/^read replica replica-1 \(.*\) joins the rotation \(lag \d+ ms\)$/)],
        [
          'warn',
          expect.stringMatching(
            /^read replica replica-1 \(postgresql:\/\/postgres@127\.0\.0\.1:\d+\/shop_replica_\w+\) leaves the rotation: lagging, \d+ ms behind \(REPLICA_MAX_LAG_MS=600\); its reads go to the primary$/,
          ),
        ],
      ]);
      // Out of rotation, a replica fork reads the primary: the new desk is there.
      expect(await inRecovery(kysely(readReplicaFork(orm)))).toBe(false);
      expect((await getProduct(readReplicaFork(orm), desk.id)).name).toBe('Standing desk');
    } finally {
      await cluster?.resumeReplay();
    }
    await until('the replica rejoins', () => replicaStatus(orm as Orm)[0]?.inRotation === true);
    expect(events.at(-1)).toMatchObject({
      level: 'info',
      line: expect.stringMatching(/^read replica replica-1 \(.*\) rejoins the rotation \(lag \d+ ms\)$/),
    });
    expect(await inRecovery(kysely(readReplicaFork(orm)))).toBe(true);
  });

  it('a replica stopped under load: every read answers (those in flight from the primary), and it leaves the rotation', async () => {
    orm = await open({ checkIntervalMs: 200 });
    const category = await createCategory(orm.em.fork(), 'Shelves');
    for (let n = 0; n < 20; n++) {
      await createProduct(orm.em.fork(), { name: `Shelf ${n}`, price: '10.00', categoryId: category.id });
    }
    const { total } = await listProducts(orm.em.fork());
    await cluster?.waitForReplay();
    await until('the replica is in rotation', () => replicaStatus(orm as Orm)[0]?.inRotation === true);

    let reading = true;
    const failures: string[] = [];
    const servedBy = { replica: 0, primary: 0 };
    const reader = async () => {
      while (reading) {
        try {
          const em = readReplicaFork(orm as Orm);
          const [page, recovery] = await Promise.all([
            listProducts(em, { perPage: 20 }),
            // A long read: in flight when the replica stops, so it must be answered again elsewhere.
            kysely(em)
              .selectNoFrom(sql<boolean>`pg_is_in_recovery() or pg_sleep(0.05) is null`.as('recovery'))
              .executeTakeFirstOrThrow(),
          ]);
          if (page.total !== total) failures.push(`${page.total} products, not ${total}`);
          servedBy[recovery.recovery ? 'replica' : 'primary']++;
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const readers = Array.from({ length: 6 }, reader);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = { ...servedBy };
    await cluster?.stopReplica('fast');
    try {
      await until('the replica leaves the rotation', () => replicaStatus(orm as Orm)[0]?.inRotation === false);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      reading = false;
      await Promise.all(readers);
    }

    expect(failures).toEqual([]);
    expect(before).toMatchObject({ replica: expect.any(Number), primary: 0 });
    expect(before.replica).toBeGreaterThan(0);
    expect(servedBy.primary).toBeGreaterThan(0);
    expect(replicaStatus(orm)[0]).toMatchObject({ state: 'unreachable', inRotation: false, lagMs: null });
    expect(events.filter((event) => event.level === 'warn').map((event) => event.line)).toEqual([
      expect.stringMatching(
        /^read replica replica-1 \(.*\) leaves the rotation: unreachable, .+; its reads go to the primary$/,
      ),
    ]);
    expect(await inRecovery(kysely(readReplicaFork(orm)))).toBe(false);
  });

  it("a server that ends the health check's connection right after its answer (a shutdown's FATAL in the same packet) takes no process down", async () => {
    // What `pg_ctl stop -m fast` did here now and then: the check's answer and "terminating connection due to
    // administrator command" read in one chunk, before the check gave its connection back. pg then emits
    // 'error' on a checked-out client, which pg-pool leaves to its holder: without a listener, an uncaught
    // exception that stopped the API process (replicas.test.ts in apps/api, 3 runs in 11).
    const proxy = await fatalAfterFirstAnswer(database.replica.url);
    try {
      orm = await open({ targets: [{ ...database.replica, url: proxy.url }] });
      await until('three checks, each on a new connection', () => proxy.connections() >= 3);
      expect(replicaStatus(orm)[0]).toMatchObject({ state: 'in-rotation', inRotation: true });
    } finally {
      await proxy.close();
    }
  });

  it('a replica down when the ORM opens: it opens, reads go to the primary, the replica joins once it answers', async () => {
    await cluster?.stopReplica('fast');
    try {
      orm = await open();
      expect(replicaStatus(orm)[0]).toMatchObject({ state: 'unreachable', inRotation: false });
      expect(events.map((event) => event.line)).toEqual([
        expect.stringMatching(/^read replica replica-1 \(.*\) is out of the rotation: unreachable, .+$/),
      ]);
      expect(await inRecovery(kysely(readReplicaFork(orm)))).toBe(false);
    } finally {
      await cluster?.startReplica();
    }
    await until('the replica joins', () => replicaStatus(orm as Orm)[0]?.inRotation === true, 20_000);
    expect(events.at(-1)?.line).toMatch(/rejoins the rotation/);
  });

  it('a "replica" that is not a standby (the primary itself) never enters the rotation', async () => {
    orm = await open({ targets: [database.primary] });
    expect(replicaStatus(orm)[0]).toMatchObject({
      state: 'not-a-replica',
      inRotation: false,
      problem: 'not in recovery: not a streaming replica (promoted?)',
    });
    expect(events).toHaveLength(1);
  });
});

describe('read-your-writes', () => {
  it('a caller who wrote is told to read the primary for stickyMs, in this process; other callers are not', async () => {
    orm = await open({ stickyMs: 300 });
    expect(callerWroteRecently(orm, ['token:a'])).toBe(false);
    noteCallerWrite(orm, ['token:a']);
    expect(callerWroteRecently(orm, ['token:a'])).toBe(true);
    expect(callerWroteRecently(orm, ['address:127.0.0.1', 'token:a'])).toBe(true);
    expect(callerWroteRecently(orm, ['token:b', 'address:127.0.0.1'])).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(callerWroteRecently(orm, ['token:a'])).toBe(false);
  });

  it('without replicas nothing is remembered and every fork reads the primary', async () => {
    orm = await openOrm(database.primary);
    noteCallerWrite(orm, ['token:a']);
    expect(callerWroteRecently(orm, ['token:a'])).toBe(false);
    expect(replicaStatus(orm)).toEqual([]);
    expect(await inRecovery(kysely(readReplicaFork(orm)))).toBe(false);
  });
});

/**
 * A TCP proxy to the PostgreSQL server at `url` that, on each connection, sends the answer to the first
 * query followed at once, in the same write, by the FATAL a shutting-down server sends, then hangs up.
 */
async function fatalAfterFirstAnswer(url: string) {
  const target = new URL(url);
  const upstreamPort = Number(target.port);
  const message = 'terminating connection due to administrator command';
  const fields = Buffer.from(`SFATAL\0VFATAL\0C57P01\0M${message}\0\0`);
  const fatal = Buffer.concat([Buffer.from('E'), Buffer.alloc(4), fields]);
  fatal.writeInt32BE(4 + fields.length, 1);
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    connections++;
    const upstream = createConnection(upstreamPort, target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream);
    // Server messages: a type byte and a 4-byte length; ReadyForQuery ('Z') ends the start-up, then each query.
    let pending = Buffer.alloc(0);
    let ready = 0;
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      let end = 0;
      while (pending.length - end >= 5 && pending.length - end >= 1 + pending.readInt32BE(end + 1)) {
        const type = String.fromCharCode(pending[end] as number);
        end += 1 + pending.readInt32BE(end + 1);
        if (type === 'Z' && ++ready === 2) {
          client.end(Buffer.concat([pending.subarray(0, end), fatal]));
          upstream.destroy();
          return;
        }
      }
      client.write(pending.subarray(0, end));
      pending = pending.subarray(end);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  target.port = String(port);
  return {
    url: target.toString(),
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
