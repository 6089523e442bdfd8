// Hostile clients over real sockets: slow bodies and idle connections are cut within the timeouts while
// health probes keep answering, a process holds at most its cap of sockets, JSON bodies with prototype keys
// are refused by name, and repeated or conflicting Idempotency-Key headers are refused.
import net from 'node:net';
import { useTestDatabase } from '@shop/db/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTION_LIMITS } from '../src/http/connection-limits.ts';
import { type ApiServer, createApiServer } from '../src/http/server.ts';
import { signedInUser } from './caller.ts';

const { db } = useTestDatabase();

let running: ApiServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(connectionLimits = {}) {
  const server = createApiServer({ orm: db().orm, log: pino({ level: 'silent' }), connectionLimits });
  running = server;
  const url = await server.listen(0, '127.0.0.1');
  const { port } = server.server.address() as net.AddressInfo;
  return { server, url, origin: url.replace(/\/trpc$/, ''), port };
}

/** A raw socket that sends `text` and then nothing; resolves with when and how the server ended it. */
function hold(port: number, text: string): Promise<{ afterMs: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', () => {}); // a reset is an ending too
    socket.on('close', () => resolve({ afterMs: performance.now() - started, answer }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after 10 s (sent ${JSON.stringify(text.slice(0, 40))})`));
    }, 10_000);
  });
}

describe('slow and idle clients', () => {
  it('ships timeouts that free a slow client within ~20 s, and a cap on sockets', async () => {
    const { server } = await start();
    expect(server.server.requestTimeout).toBe(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs);
    expect(server.server.headersTimeout).toBe(DEFAULT_CONNECTION_LIMITS.headersTimeoutMs);
    expect(server.server.maxConnections).toBe(DEFAULT_CONNECTION_LIMITS.maxConnections);
    expect(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs + DEFAULT_CONNECTION_LIMITS.checkIntervalMs).toBeLessThanOrEqual(
      30_000,
    );
    // Before: node's 300 s request timeout and no cap at all.
  });

  it('cuts a body sent too slowly and a connection that never sends a request; probes still answer', async () => {
    const { port, origin } = await start({ requestTimeoutMs: 1_000, headersTimeoutMs: 600, checkIntervalMs: 100 });
    const slowBody = hold(
      port,
      'POST /trpc/auth.login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    const silent = hold(port, '');
    const slowHeaders = hold(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
    // Meanwhile a probe is served at once.
    const probe = await fetch(`${origin}/healthz`);
    expect(probe.status).toBe(200);
    const [body, idle, headers] = await Promise.all([slowBody, silent, slowHeaders]);
    expect(body.afterMs).toBeLessThan(2_500);
    expect(body.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(idle.afterMs).toBeLessThan(2_500);
    expect(headers.afterMs).toBeLessThan(2_500);
  });

  it('refuses sockets over the cap at once, and takes new ones when some close', async () => {
    const { port, origin } = await start({ maxConnections: 3 });
    const sockets = await Promise.all(
      Array.from(
        { length: 3 },
        () =>
          new Promise<net.Socket>((resolve) => {
            const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
          }),
      ),
    );
    // Give the server a moment to account for them.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await hold(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(refused.answer).toBe('');
    expect(refused.afterMs).toBeLessThan(1_000);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });
});

describe('hostile bodies and headers', () => {
  const post = (url: string, body: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('names a prototype key in a JSON body (REST and tRPC), says "not valid JSON" without engine text, refuses depth unparsed', async () => {
    const { origin } = await start();
    const rest = await post(`${origin}/api/auth/login`, '{"identifier":"a","password":"b","__proto__":{"x":1}}');
    expect(rest.status).toBe(400);
    expect(await rest.json()).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'the key "__proto__" is not accepted in a JSON body', // before: "Body is not valid JSON …"
    });
    const trpc = await post(`${origin}/trpc/auth.login`, '{"json":{"constructor":{"prototype":{"x":1}}}}');
    expect(trpc.status).toBe(400);
    // tRPC reads its own bodies: its decoder refuses the key by name too.
    expect(((await trpc.json()) as { error: { json: { message: string } } }).error.json.message).toBe(
      'malformed input: the key "constructor.prototype" is not accepted',
    );
    const broken = await post(`${origin}/api/auth/login`, '{"identifier":');
    expect(await broken.json()).toMatchObject({ code: 'BAD_REQUEST', message: 'the body is not valid JSON' });
    // 100,000 levels of brackets: refused by a scan before JSON.parse spends ~30x its flat cost on them.
    const deep = await post(`${origin}/api/products`, `{"metadata":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(await deep.json()).toMatchObject({ code: 'BAD_REQUEST', message: 'the body nests deeper than 64 levels' });
  });

  it('refuses two Idempotency-Key headers, and a header that differs from the body’s key', async () => {
    const { origin, port } = await start();
    const { token } = await signedInUser(db(), 'kim', ['admin']);
    const transfer = JSON.stringify({ fromAccountId: 1, toAccountId: 2, amount: '1.00' });
    // Two header lines (fetch would join them into one "a, b" value, which node cannot tell from one header).
    const twice = await hold(
      port,
      `POST /api/transfers HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nIdempotency-Key: key-aaaa-1\r\nIdempotency-Key: key-bbbb-2\r\n` +
        `Content-Length: ${Buffer.byteLength(transfer)}\r\n\r\n${transfer}`,
    );
    expect(twice.answer).toMatch(/^HTTP\/1\.1 400/); // before: one key "key-aaaa-1, key-bbbb-2", accepted
    expect(twice.answer).toContain('send one Idempotency-Key header, not 2');
    const differing = await post(
      `${origin}/api/transfers`,
      JSON.stringify({ fromAccountId: 1, toAccountId: 2, amount: '1.00', idempotencyKey: 'key-body-1' }),
      { authorization: `Bearer ${token}`, 'idempotency-key': 'key-head-2' },
    );
    expect(differing.status).toBe(400); // before: the body's key silently won
    expect(await differing.json()).toMatchObject({
      message: 'the Idempotency-Key header and the idempotencyKey of the body differ: send one of them',
    });
  });
});
