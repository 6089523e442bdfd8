// A database that cannot be opened is one line naming where and what to do (issue 20): openOrm connects at
// once and says why it could not; the db scripts print that line and exit 1, and so does `npm run db:…` from a
// fresh clone, without a wall of tool output.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mariadbAdminUrl, postgresAdminUrl, skipWithoutDatabase, testDialect } from '@shop/db/testing';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseConnectionError } from '../../src/driver/connection-errors.ts';
import { parseDatabaseUrl } from '../../src/driver/database-url.ts';
import { type OrmOptions, openOrm } from '../../src/driver/orm.ts';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
let dir = '';
let deadPort = 0;
/** A port that accepts connections and never says a word (a firewall's black hole, a hung server). */
let silentPort = 0;
const held = new Set<Socket>();
const silent = createServer((socket) => {
  held.add(socket);
  socket.on('close', () => held.delete(socket));
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'shop-connect-'));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  deadPort = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

/** The message openOrm fails with on `url` (a DatabaseConnectionError, or the test fails). */
async function openFailure(url: string, options: OrmOptions = {}): Promise<string> {
  const orm = await openOrm(parseDatabaseUrl(url), options).catch((error: unknown) => error);
  expect(orm).toBeInstanceOf(DatabaseConnectionError);
  return (orm as Error).message;
}

/** This project's server with another user, password or database (PostgreSQL and MariaDB projects). */
function serverUrl(change: { username?: string; password?: string; database?: string }): string {
  const url = new URL(testDialect === 'postgresql' ? postgresAdminUrl() : mariadbAdminUrl());
  if (change.username !== undefined) url.username = change.username;
  if (change.password !== undefined) url.password = change.password;
  if (change.database !== undefined) url.pathname = `/${change.database}`;
  return url.toString();
}
const hostPort = (url: string) => {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || (testDialect === 'postgresql' ? 5432 : 3306)}`;
};
const server = testDialect === 'postgresql' ? 'PostgreSQL' : 'MariaDB';
const scheme = testDialect === 'postgresql' ? 'postgresql' : 'mysql';

/**
 * The environment of a user's shell: this process's without the npm_config_* / npm_package_* variables pnpm
 * sets for the scripts it runs (under `npm test` every test runs inside one), which npm would warn about.
 */
const shellEnv = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm|pnpm)_/i.test(name)));

function run(command: string, args: string[], env: Record<string, string>) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO,
      env: { ...shellEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe.runIf(testDialect !== 'sqlite')('a database server that cannot be used', () => {
  it('nothing answering at the address', async () => {
    expect(await openFailure(`${scheme}://root@127.0.0.1:${deadPort}/shop`)).toBe(
      `nothing answers at 127.0.0.1:${deadPort}: is ${server} running? Start it, or set DATABASE_URL`,
    );
  });

  it('a server that accepts the connection and never answers: given up after the connect timeout', async () => {
    const started = performance.now();
    expect(
      await openFailure(`${scheme}://root@127.0.0.1:${silentPort}/shop`, { pool: { connectTimeoutMillis: 500 } }),
    ).toBe(
      `no answer from 127.0.0.1:${silentPort} within 0.5 s (DB_CONNECT_TIMEOUT_MS): check the host and port in DATABASE_URL`,
    );
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('an unknown host', async () => {
    expect(await openFailure(`${scheme}://root@no-such-host.invalid:5432/shop`)).toMatch(
      /^the host "no-such-host\.invalid" is unknown \((ENOTFOUND|EAI_AGAIN)\): check the host in DATABASE_URL$/,
    );
  });

  it('a user the server refuses', async (context) => {
    skipWithoutDatabase(context);
    // PostgreSQL here trusts every existing role: an unknown one is refused. MariaDB's root has no password.
    const url =
      testDialect === 'postgresql' ? serverUrl({ username: 'no_such_role' }) : serverUrl({ password: 'wrong' });
    const user = testDialect === 'postgresql' ? 'no_such_role' : new URL(url).username;
    expect(await openFailure(url)).toMatch(
      new RegExp(
        `^${server} at ${hostPort(url)} refused user "${user}" \\(.+\\): check the user and password in DATABASE_URL$`,
      ),
    );
  });

  it('a missing database the user may not create', async (context) => {
    skipWithoutDatabase(context);
    const user = `shop_nocreate_${randomBytes(4).toString('hex')}`;
    const admin = async (statement: string) => {
      if (testDialect === 'postgresql') {
        const client = new pg.Client({ connectionString: postgresAdminUrl() });
        await client.connect();
        await client.query(statement).finally(() => client.end());
      } else {
        const connection = await mysql.createConnection({ uri: mariadbAdminUrl() });
        await connection.query(statement).finally(() => connection.end());
      }
    };
    await admin(testDialect === 'postgresql' ? `create role ${user} login` : `create user '${user}'@'%'`);
    try {
      const url = serverUrl({ username: user, password: '', database: `${user}_db` });
      expect(await openFailure(url)).toMatch(
        new RegExp(
          `^${server} at ${hostPort(url)} has no database "${user}_db" that user "${user}" may use or create ` +
            '\\(.+\\): create it, grant the user access, or name another database in DATABASE_URL$',
        ),
      );
    } finally {
      await admin(testDialect === 'postgresql' ? `drop role ${user}` : `drop user '${user}'@'%'`);
    }
  });
});

describe.runIf(testDialect === 'sqlite')('an SQLite path that cannot be a database', () => {
  it('names the path and the fix', async () => {
    writeFileSync(path.join(dir, 'a-file'), '');
    writeFileSync(path.join(dir, 'not-a-database.db'), 'plain text, not SQLite\n'.repeat(100));
    mkdirSync(path.join(dir, 'a-folder.db'));
    const fix = 'set DATABASE_URL to a file path you can write';
    expect(await openFailure(`sqlite:///${dir}/a-file/shop.db`)).toBe(
      `cannot create the folder ${dir}/a-file: a file is in the way; ${fix}`,
    );
    expect(await openFailure(`sqlite:///${dir}/a-folder.db`)).toBe(
      `${dir}/a-folder.db is a folder, not a database file: ${fix}`,
    );
    expect(await openFailure(`sqlite:///${dir}/not-a-database.db`)).toBe(
      `${dir}/not-a-database.db is not an SQLite database: set DATABASE_URL to one, or to a new file`,
    );
  });
});

describe('the db scripts on a database that cannot be opened', () => {
  const unusable = (): { url: string; line: string } => {
    if (testDialect === 'sqlite') {
      writeFileSync(path.join(dir, 'a-file'), '');
      return {
        url: `sqlite:///${dir}/a-file/shop.db`,
        line:
          `error: cannot open SQLite ${dir}/a-file/shop.db: cannot create the folder ${dir}/a-file: a file is in the ` +
          'way; set DATABASE_URL to a file path you can write',
      };
    }
    const url = `${scheme}://root@127.0.0.1:${deadPort}/shop`;
    return {
      url,
      line:
        `error: cannot open ${server} ${url}: nothing answers at 127.0.0.1:${deadPort}: is ${server} running? ` +
        'Start it, or set DATABASE_URL',
    };
  };

  it('print one line and exit 1', async () => {
    const { url, line } = unusable();
    const result = await run(process.execPath, ['packages/db/scripts/db.ts', 'migrate:status'], { DATABASE_URL: url });
    expect(result).toEqual({ status: 1, stdout: '', stderr: `${line}\n` });
  });

  it.runIf(testDialect !== 'sqlite')('give up on a silent server after DB_CONNECT_TIMEOUT_MS', async () => {
    const url = `${scheme}://root@127.0.0.1:${silentPort}/shop`;
    const result = await run(process.execPath, ['packages/db/scripts/db.ts', 'migrate:status'], {
      DATABASE_URL: url,
      DB_CONNECT_TIMEOUT_MS: '300',
    });
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: `error: cannot open ${server} ${url}: no answer from 127.0.0.1:${silentPort} within 0.3 s (DB_CONNECT_TIMEOUT_MS): check the host and port in DATABASE_URL\n`,
    });
  });
});

// `npm run` as a newcomer types it: npm → scripts/toolchain.mjs → node. Servers that do not answer need no
// server, so every dialect's line is checked here once, in the SQLite project.
describe.runIf(testDialect === 'sqlite')('npm run db:migrate:status on a database that cannot be opened', () => {
  beforeAll(async () => {
    // A workspace install the toolchain owes (the lockfile changed since its last run) happens here, not below.
    await run(process.execPath, ['scripts/toolchain.mjs', 'true'], {});
  }, 120_000);

  it('prints the one line and exits 1, with nothing from pnpm or turbo', async () => {
    writeFileSync(path.join(dir, 'a-file'), '');
    const cases = [
      {
        url: `postgresql://postgres@127.0.0.1:${deadPort}/shop`,
        line: `error: cannot open PostgreSQL postgresql://postgres@127.0.0.1:${deadPort}/shop: nothing answers at 127.0.0.1:${deadPort}: is PostgreSQL running? Start it, or set DATABASE_URL`,
      },
      {
        url: `mysql://root@127.0.0.1:${deadPort}/shop`,
        line: `error: cannot open MariaDB mysql://root@127.0.0.1:${deadPort}/shop: nothing answers at 127.0.0.1:${deadPort}: is MariaDB running? Start it, or set DATABASE_URL`,
      },
      {
        url: `sqlite:///${dir}/a-file/shop.db`,
        line: `error: cannot open SQLite ${dir}/a-file/shop.db: cannot create the folder ${dir}/a-file: a file is in the way; set DATABASE_URL to a file path you can write`,
      },
    ];
    for (const { url, line } of cases) {
      const result = await run('npm', ['run', 'db:migrate:status'], {
        DATABASE_URL: url,
        npm_config_update_notifier: 'false',
      });
      // stdout: npm's own two-line header, nothing else; stderr: the line.
      expect({ ...result, stdout: result.stdout.trim().split('\n') }).toEqual({
        status: 1,
        stdout: ['> db:migrate:status', '> node scripts/toolchain.mjs node packages/db/scripts/db.ts migrate:status'],
        stderr: `${line}\n`,
      });
    }
  });
});
