// The HTTP server over real sockets: request ids, the one log line per request, limits, 404s, shutdown,
// and `main.ts` with API_WORKERS=2 (node:cluster) on a SQLite WAL file.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Orm } from '@shop/db';
import { testDialect, useTestDatabase } from '@shop/db/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiServer, createApiServer } from '../src/http/server.ts';

const { db } = useTestDatabase();

type LogLine = Record<string, unknown> & { msg: string; pid?: number; requestId?: string };

interface Started {
  server: ApiServer;
  url: string;
  origin: string;
  logs: LogLine[];
}

let running: ApiServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: { orm?: Orm; maxBatchSize?: number; maxBodyBytes?: number } = {}): Promise<Started> {
  const logs: LogLine[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const server = createApiServer({ orm: options.orm ?? db().orm, log, ...options });
  running = server;
  const url = await server.listen(0, '127.0.0.1');
  return { server, url, origin: url.replace(/\/trpc$/, ''), logs };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection (no keep-alive agent), so connection handling is explicit. */
function request(
  url: string,
  { method = 'GET', headers = {}, body }: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (body: string) =>
  JSON.parse(body) as { error: { json: { message: string; data: Record<string, unknown> } } };
const requestLines = (logs: LogLine[]) => logs.filter((line) => line.msg === 'request');
const login = (identifier: string) =>
  JSON.stringify({ json: { identifier, password: 'wrong-password-1' } satisfies Record<string, string> });

describe('the fastify HTTP server', () => {
  it('accepts a well-formed x-request-id, replaces anything else, and uses the id in the context', async () => {
    const { url, logs } = await start();
    const given = await request(`${url}/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'client-id.42_A' },
      body: login('nobody'),
    });
    expect(given.status).toBe(401);
    expect(given.headers['x-request-id']).toBe('client-id.42_A');
    // The procedure logs through ctx.log, a child bound to the same id, with ctx.clientAddress.
    expect(logs.find((line) => line.msg === 'sign-in refused')).toMatchObject({
      requestId: 'client-id.42_A',
      clientAddress: '127.0.0.1',
    });

    for (const bad of ['has space', 'x'.repeat(65), 'semi;colon', '']) {
      const answer = await request(`${url}/health.live`, { headers: { 'x-request-id': bad } });
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    const fresh = await request(`${url}/health.live`);
    const again = await request(`${url}/health.live`);
    expect(fresh.headers['x-request-id']).not.toBe(again.headers['x-request-id']);
  });

  it('logs exactly one line per request: id, method, path without the query, status, duration', async () => {
    const { url, origin, logs } = await start();
    const live = await request(`${url}/health.live?input=${encodeURIComponent('{"json":null}')}`);
    const missing = await request(`${origin}/nowhere?secret=1`);
    const failed = await request(`${url}/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: login('nobody'),
    });
    const lines = requestLines(logs);
    expect(lines).toHaveLength(3);
    expect(lines.map(({ requestId, method, path, status }) => ({ requestId, method, path, status }))).toEqual([
      { requestId: live.headers['x-request-id'], method: 'GET', path: '/trpc/health.live', status: 200 },
      { requestId: missing.headers['x-request-id'], method: 'GET', path: '/nowhere', status: 404 },
      { requestId: failed.headers['x-request-id'], method: 'POST', path: '/trpc/auth.login', status: 401 },
    ]);
    for (const line of lines) expect(line.durationMs).toEqual(expect.any(Number));
    // fastify's own request logging is off: no "incoming request" / "request completed" lines.
    expect(logs.filter((line) => /incoming request|request completed/.test(line.msg))).toEqual([]);
  });

  it('logs an internal error once, with its cause, and masks it in the response', async () => {
    const broken = {
      em: {
        fork() {
          throw new Error('database on fire');
        },
      },
    } as unknown as Orm;
    const { url, logs } = await start({ orm: broken });
    const answer = await request(`${url}/categories.list`);
    expect(answer.status).toBe(500);
    expect(json(answer.body).error.json.message).toBe('Internal server error');
    const errors = logs.filter((line) => line.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: 'procedure failed',
      path: 'categories.list',
      requestId: answer.headers['x-request-id'],
      err: { message: 'database on fire' },
    });
    expect(requestLines(logs)).toHaveLength(1);
  });

  it('caps batches (400) and still serves batched GETs whose path is longer than 100 characters', async () => {
    const { url } = await start({ maxBatchSize: 12 });
    const batch = (n: number) => `${url}/${Array.from({ length: n }, () => 'health.live').join(',')}?batch=1&input={}`;
    const twelve = await request(batch(12));
    expect(twelve.status).toBe(200);
    expect(JSON.parse(twelve.body)).toHaveLength(12);
    const thirteen = await request(batch(13));
    expect(thirteen.status).toBe(400);
    expect(json(thirteen.body).error.json.message).toBe('Batch call exceeds maximum size');
  });

  it('answers an oversized body with 413 and a tRPC PAYLOAD_TOO_LARGE error, declared or streamed', async () => {
    const { url, logs } = await start({ maxBodyBytes: 2048 });
    const body = login('x'.repeat(5000));
    const declared = await request(`${url}/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      body,
    });
    const chunked = await request(`${url}/auth.login?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: JSON.stringify({ 0: JSON.parse(body) }),
    });
    for (const answer of [declared, chunked]) {
      expect(answer.status).toBe(413);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.headers['x-request-id']).toBeTruthy();
    }
    expect(json(declared.body).error.json.data).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 });
    const [item] = JSON.parse(chunked.body) as { error: { json: { data: { code: string } } } }[];
    expect(item?.error.json.data.code).toBe('PAYLOAD_TOO_LARGE');
    expect(requestLines(logs).map((line) => line.status)).toEqual([413, 413]);
    // A body just under the limit reaches the procedure (whose input validation refuses the long name).
    const small = await request(`${url}/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: login('x'.repeat(1900)),
    });
    expect(small.status).toBe(400);
    expect(json(small.body).error.json.data).toMatchObject({ code: 'BAD_REQUEST', zodError: expect.anything() });
  });

  it('answers JSON 404s outside /trpc and keeps health.* as they were', async () => {
    const { url, origin } = await start();
    for (const path of ['/', '/nowhere', '/trpc', '/trpcx/health.live']) {
      const answer = await request(`${origin}${path}`);
      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(answer.body)).toEqual({
        error:
          'not found: procedures are served under /trpc/<router>.<procedure>, REST routes under /api (see /api/docs)',
      });
    }
    const live = await request(`${url}/health.live`);
    expect(JSON.parse(live.body)).toMatchObject({ result: { data: { json: { status: 'ok' } } } });
    const ready = await request(`${url}/health.ready`);
    expect(JSON.parse(ready.body)).toMatchObject({ result: { data: { json: { status: 'ready' } } } });
    const unknown = await request(`${url}/nope.nothing`);
    expect(unknown.status).toBe(404);
    expect(json(unknown.body).error.json.data.code).toBe('NOT_FOUND');
  });

  it('closes idle keep-alive sockets at once and tells in-flight keep-alive clients to hang up', async () => {
    const { server, url } = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    const get = (path: string) =>
      new Promise<http.IncomingMessage>((resolve, reject) => {
        http.get(`${url}${path}`, { agent }, resolve).on('error', reject);
      });
    // Two sockets: one stays idle, one carries a slow sign-in (argon2 verification) when close() starts.
    await Promise.all([get('/health.live'), get('/health.live')].map((p) => p.then((res) => res.resume())));
    await new Promise((resolve) => setTimeout(resolve, 20));
    let closing: Promise<void> | undefined;
    server.server.once('request', () => {
      closing = server.close();
    });
    const inFlight = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(
        `${url}/auth.register`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        resolve,
      );
      req.on('error', reject);
      req.end(JSON.stringify({ json: { username: 'late', email: 'late@example.com', password: 'late-password-1' } }));
    });
    inFlight.resume();
    expect(inFlight.statusCode).toBe(200);
    expect(inFlight.headers.connection).toBe('close');
    const started = performance.now();
    await closing;
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(server.server.listening).toBe(false);
    agent.destroy();
    running = undefined;
  });
});

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** `node apps/api/src/main.ts` with the given environment, its stdout parsed as JSON log lines. */
function spawnMain(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN, '--migrate'], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) logs.push(JSON.parse(part));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, logs, exited, stderr: () => stderr };
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// One dialect is enough: this is about processes, and SQLite WAL is the harder case for several of them.
describe.runIf(testDialect === 'sqlite')('API_WORKERS: several processes on one port', () => {
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  afterEach(() => {
    if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('serves from 2 workers on one PORT=0 port, replaces a dead worker, and stops all with 0 on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'shop-workers-'));
    const main = spawnMain({ DATABASE_URL: `sqlite:///${join(dir, 'shop.db')}`, API_WORKERS: '2', PORT: '0' });
    child = main.child;
    const ready = await until('all workers listening', () =>
      main.logs.find((line) => line.msg === 'shop-api listening (all workers)'),
    );
    const url = ready.url as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/trpc$/);
    expect(main.logs.filter((line) => line.msg === 'applied migrations')).toHaveLength(1);
    // Each worker writes its own line to the shared stdout; one may reach the pipe after the primary's.
    const workerUrls = await until('both workers’ lines', () => {
      const urls = main.logs.filter((line) => line.msg === 'shop-api listening').map((line) => line.url);
      return urls.length >= 2 ? urls : undefined;
    });
    expect(workerUrls).toEqual([url, url]);

    const served = async (count: number) => {
      const before = requestLines(main.logs).length;
      const answers = await Promise.all(Array.from({ length: count }, () => request(`${url}/health.ready`)));
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      await until('request lines', () => (requestLines(main.logs).length >= before + count ? true : undefined));
      return new Set(
        requestLines(main.logs)
          .slice(before)
          .map((line) => line.pid),
      );
    };
    const workers = await served(50);
    expect(workers.size).toBe(2);
    expect(workers.has(main.child.pid)).toBe(false);

    const [victim] = [...workers] as number[];
    process.kill(victim as number, 'SIGKILL');
    await until('a replacement worker', () =>
      main.logs.find((line) => line.msg === 'shop-api listening' && line.pid !== undefined && !workers.has(line.pid)),
    );
    expect(main.logs.find((line) => line.msg === 'worker died: starting a replacement')).toMatchObject({
      worker: victim,
      signal: 'SIGKILL',
    });
    const after = await served(20);
    expect(after.size).toBe(2);
    expect(after.has(victim as number)).toBe(false);

    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    for (const pid of after) expect(alive(pid as number)).toBe(false);
    const stopped = main.logs.filter((line) => line.msg === 'stopped').map((line) => line.pid);
    expect(new Set(stopped)).toEqual(new Set([...after, main.child.pid]));
    expect(main.stderr()).toBe('');
  }, 90_000);

  it('exits 1 with the reason when a worker cannot start (no restart loop)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'shop-workers-'));
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const main = spawnMain({
        DATABASE_URL: `sqlite:///${join(dir, 'shop.db')}`,
        API_WORKERS: '2',
        PORT: String(port),
      });
      child = main.child;
      expect(await main.exited).toBe(1);
      expect(main.stderr()).toContain(`error: port ${port} is in use on 127.0.0.1: set PORT to a free port`);
      expect(main.logs.filter((line) => line.msg === 'shop-api listening')).toEqual([]);
    } finally {
      taken.close();
    }
  }, 60_000);
});
