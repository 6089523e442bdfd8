// `node apps/api/src/main.ts` (what `npm start` serves with) when it cannot start, as users run it: a port in
// use or closed to the user, a HOST that is not this machine's, nothing answering at the database's address.
// Each is exit code 1 and exactly one line on stderr, naming the problem and the fix (issue 20).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDialect } from '@shop/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'shop-startup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the API command until it exits (it must: every case here is a refusal to start). */
function startApi(env: Record<string, string>, prefix: string[] = []) {
  return new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
    const [command = process.execPath, ...args] = [...prefix, process.execPath, MAIN, '--migrate'];
    const child = spawn(command, args, {
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', HOME: tmpdir(), ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

const listening = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listening(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The listen errors do not depend on the database: they run once, in the SQLite project.
describe.runIf(testDialect === 'sqlite')('the API cannot listen', () => {
  it('names a port in use and the fix, with one process or with workers', async () => {
    const holder = createServer();
    const port = await listening(holder);
    try {
      const expected = {
        status: 1,
        stderr: `error: port ${port} is in use on 127.0.0.1: set PORT to a free port (PORT=${port + 1} npm start)\n`,
      };
      expect(await startApi({ PORT: String(port) })).toEqual(expected);
      const file = path.join(dir, 'workers.db');
      expect(await startApi({ PORT: String(port), API_WORKERS: '2', DATABASE_URL: `sqlite:///${file}` })).toEqual(
        expected,
      );
    } finally {
      holder.close();
    }
  });

  it('names a HOST that is not an address of this machine', async () => {
    // 192.0.2.1: TEST-NET-1, documentation only, never a local address.
    expect(await startApi({ PORT: '0', HOST: '192.0.2.1' })).toEqual({
      status: 1,
      stderr:
        'error: HOST 192.0.2.1 is not an address of this machine: set HOST to one of its addresses ' +
        '(HOST=127.0.0.1, or 0.0.0.0 for all)\n',
    });
  });

  // Ports below 1024 are closed to an ordinary user; root may open them, so as root the API runs as nobody.
  const unprivilegedStart = Number(spawnSync('cat', ['/proc/sys/net/ipv4/ip_unprivileged_port_start']).stdout) || 0;
  const root = process.getuid?.() === 0;
  const asUser = root ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const canTry = unprivilegedStart > 80 && (!root || spawnSync('setpriv', ['--version']).status === 0);
  it.runIf(canTry)('names a privileged port and the fix', async () => {
    expect(await startApi({ PORT: '80' }, asUser)).toEqual({
      status: 1,
      stderr:
        'error: port 80 on 127.0.0.1 needs privileges this user lacks (ports below 1024 do): ' +
        'set PORT to 1024 or above (PORT=3001 npm start)\n',
    });
  });
});

describe('the API cannot open its database', () => {
  it(`says that nothing answers at ${testDialect}'s address (or why the SQLite file cannot be), in one line`, async () => {
    const port = await closedPort();
    const cases = {
      postgresql: {
        url: `postgresql://postgres@127.0.0.1:${port}/shop`,
        line:
          `error: cannot open PostgreSQL postgresql://postgres@127.0.0.1:${port}/shop: nothing answers at ` +
          `127.0.0.1:${port}: is PostgreSQL running? Start it, or set DATABASE_URL`,
      },
      mariadb: {
        url: `mysql://root@127.0.0.1:${port}/shop`,
        line:
          `error: cannot open MariaDB mysql://root@127.0.0.1:${port}/shop: nothing answers at ` +
          `127.0.0.1:${port}: is MariaDB running? Start it, or set DATABASE_URL`,
      },
      sqlite: {
        url: `sqlite:///${dir}/a-file/shop.db`,
        line:
          `error: cannot open SQLite ${dir}/a-file/shop.db: cannot create the folder ${dir}/a-file: a file is in ` +
          'the way; set DATABASE_URL to a file path you can write',
      },
    };
    writeFileSync(path.join(dir, 'a-file'), '');
    const { url, line } = cases[testDialect];
    expect(await startApi({ PORT: '0', DATABASE_URL: url })).toEqual({ status: 1, stderr: `${line}\n` });
  });
});
