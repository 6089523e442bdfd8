// `npm start`'s job as users run it: a child process on a fresh database migrates it, serves the API,
// seeds it through the client, prints the banner, and stops cleanly on Ctrl-C (SIGINT); stopped mid-seed, the
// next start completes the sample shop and says how to sign in as the admin.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createShopClient } from '@shop/client';
import { createTestDatabase, skipWithoutDatabase, testDialect } from '@shop/db/testing';
import { afterEach, expect, it } from 'vitest';

const MAIN_JOB = fileURLToPath(new URL('../src/main-job.ts', import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** An empty, unmigrated database of this project's dialect (the job migrates it), dropped after the test. */
async function scratchDatabase(): Promise<string> {
  if (testDialect === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'shop-main-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    return `sqlite:///${path.join(dir, 'shop.db')}`;
  }
  const db = await createTestDatabase(testDialect, { migrate: false });
  await db.orm.close(true);
  cleanups.push(() => db.destroy());
  return db.target.dialect === 'sqlite' ? '' : db.target.url;
}

/** The main job in a child process; its output so far, and waits on it. */
function startMainJob(databaseUrl: string) {
  const child: ChildProcess = spawn(process.execPath, [MAIN_JOB], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk) => {
    output.stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output.stderr += String(chunk);
  });
  cleanups.unshift(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  /** Resolves with the match once `pattern` appears in the stream; rejects if the job exits first. */
  const until = (stream: 'stdout' | 'stderr', pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output[stream]);
        if (!match) return;
        child[stream]?.off('data', check);
        resolve(match);
      };
      child[stream]?.on('data', check);
      check();
      void exited.then((code) => reject(new Error(`main job exited with ${code}: ${output.stderr}`)));
    });
  /** The tRPC URL, once the banner is out. */
  const ready = async () => (await until('stdout', /Typed API: +(http:\/\/\S+)/))[1] as string;
  /** Ctrl-C, then the exit code. */
  const interrupt = () => {
    child.kill('SIGINT');
    return exited;
  };
  return { output, until, ready, interrupt };
}

it('migrates, serves, seeds an empty database, prints the banner, and stops on Ctrl-C', async (context) => {
  skipWithoutDatabase(context);
  const job = startMainJob(await scratchDatabase());
  const url = await job.ready();
  expect(job.output.stdout).toMatch(
    /Admin sign-in: +admin \/ \S+ {2}\(generated now; to change it: npm run db:create-admin -- --reset-password\)/,
  );
  expect(job.output.stdout).toMatch(/Open the shop: +http:\/\/127.0.0.1:\d+\//);
  expect(job.output.stderr).toMatch(/\[main\] seeded in/);
  const input = encodeURIComponent(JSON.stringify({ json: { perPage: 1 } }));
  const page = (await (await fetch(`${url}/products.list?input=${input}`)).json()) as {
    result: { data: { json: { total: number } } };
  };
  expect(page.result.data.json.total).toBe(300);
  // The web app at / (built by the job when missing or stale), and its client-side routes on reload.
  const origin = new URL(url).origin;
  for (const route of ['/', '/account', '/products/1']) {
    const html = await fetch(`${origin}${route}`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<div id="root"></div>');
  }
  expect((await fetch(`${origin}/no-such-file.js`)).status).toBe(404);
  // An unknown REST route is a JSON 404 for a browser too, not the app's page.
  const unknown = await fetch(`${origin}/api/no-such-route`, { headers: { accept: 'text/html' } });
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
  expect(job.output.stdout).toMatch(/REST \+ docs: +http:\/\/127.0.0.1:\d+\/api\/docs/);
  expect((await fetch(`${origin}/api/products?per_page=1`)).status).toBe(200);
  expect(await job.interrupt()).toBe(0);
});

it('stopped by Ctrl-C mid-seed, the next start completes the sample shop; the one after seeds nothing', async (context) => {
  skipWithoutDatabase(context);
  const databaseUrl = await scratchDatabase();
  const first = startMainJob(databaseUrl);
  // The generated password is out before the seed starts: stopping the job cannot lose it.
  const [, password] = await first.until('stderr', /\[main\] created the admin: admin \/ (\S+) {2}\(generated;/);
  await first.until('stderr', /\[seed\] /);
  expect(await first.interrupt()).toBe(0);
  expect(first.output.stderr).toContain('[main] stopped while seeding: the next npm start completes the sample shop');
  expect(first.output.stderr).not.toMatch(/error/i);
  expect(first.output.stdout).not.toContain('shop-rpc is ready');

  const second = startMainJob(databaseUrl);
  const url = await second.ready();
  expect(second.output.stderr).toContain('[main] completing the sample shop through the API as the admin');
  const [, created] = /\[main\] seeded in \S+: created (\{.*\})/.exec(second.output.stderr) ?? [];
  const report = JSON.parse(created ?? '{}') as Record<string, number>;
  // The first start was stopped before the end of the seed: the second created what it had not.
  expect((report.products ?? 0) + (report.accounts ?? 0) + (report.transfers ?? 0)).toBeGreaterThan(0);
  expect(report).toMatchObject({ roles: 0, categories: 0 });
  expect(second.output.stdout).toMatch(
    /Admin sign-in: +admin, with the password shown when it was created \(lost it\? npm run db:create-admin -- --reset-password\)/,
  );
  // That password, shown by the first start, still signs in; the shop is the complete sample shop.
  const { token } = await createShopClient({ url }).auth.login.mutate({ identifier: 'admin', password: password! });
  const admin = createShopClient({ url, token });
  expect(await admin.stats.counts.query()).toEqual({ users: 51, activeUsers: 51, products: 300, categories: 8 });
  const owners = await admin.roles.members.query({ role: 'customer', perPage: 20 });
  const accounts = await Promise.all(owners.items.map((u) => admin.accounts.listForUser.query({ userId: u.id })));
  expect(accounts.map((a) => a.length)).toEqual(Array(20).fill(1));
  expect(await second.interrupt()).toBe(0);

  const third = startMainJob(databaseUrl);
  await third.ready();
  expect(third.output.stderr).not.toMatch(/\[seed\]|seeding|created the admin/);
  expect(third.output.stdout).toMatch(/Admin sign-in: +admin, with the password shown when it was created/);
  expect(await third.interrupt()).toBe(0);
});
