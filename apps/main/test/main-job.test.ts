// `npm start`'s job as users run it: a child process on a fresh database migrates it, serves the API,
// seeds it through the client, prints the banner, and stops cleanly on Ctrl-C (SIGINT).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, skipWithoutDatabase, type TestDatabase, testDialect } from '@shop/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

const MAIN_JOB = fileURLToPath(new URL('../src/main-job.ts', import.meta.url));
let databaseUrl = '';
let cleanup = async () => {};

beforeAll(async () => {
  if (testDialect === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'shop-main-'));
    databaseUrl = `sqlite:///${path.join(dir, 'shop.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
    return;
  }
  let db: TestDatabase;
  try {
    db = await createTestDatabase(testDialect, { migrate: false });
  } catch {
    return; // skipWithoutDatabase skips (or fails under CI) in the test itself
  }
  databaseUrl = db.target.dialect === 'sqlite' ? '' : db.target.url;
  await db.orm.close(true);
  cleanup = () => db.destroy();
});
afterAll(() => cleanup());

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

it('migrates, serves, seeds an empty database, prints the banner, and stops on Ctrl-C', async (context) => {
  skipWithoutDatabase(context);
  const child = spawn(process.execPath, [MAIN_JOB], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = exitOf(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk) => {
        stdout += String(chunk);
        const ready = /Typed API: +(http:\/\/\S+)/.exec(stdout);
        if (ready?.[1]) resolve(ready[1]);
      });
      void exited.then((code) => reject(new Error(`main job exited with ${code}: ${stderr}`)));
    });
    expect(stdout).toMatch(/Admin sign-in: +admin \/ \S+ {2}\(generated now; shown once\)/);
    expect(stdout).toMatch(/Open the shop: +http:\/\/127.0.0.1:\d+\//);
    expect(stderr).toMatch(/\[main\] seeded in/);
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
    expect(stdout).toMatch(/REST \+ docs: +http:\/\/127.0.0.1:\d+\/api\/docs/);
    expect((await fetch(`${origin}/api/products?per_page=1`)).status).toBe(200);
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
});
