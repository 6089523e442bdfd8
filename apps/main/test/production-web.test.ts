// `NODE_ENV=production node apps/api/src/main.ts`, as an operator runs it from any directory: the web app the
// workspace builds (apps/web/dist) at `/` with no WEB_ROOT, and a relative WEB_ROOT read from the repository root.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDialect } from '@shop/db/testing';
import { ensureWebBuild } from '@shop/web/build';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = path.join(REPO_ROOT, 'apps/api/src/main.ts');
let dir = '';
let child: ChildProcess | undefined;

/** main.ts --migrate in production from `cwd`, on a fresh SQLite file and a free port; its origin once it listens. */
async function serve(env: Record<string, string>, cwd: string): Promise<string> {
  const database = path.join(mkdtempSync(path.join(dir, 'db-')), 'shop.db');
  const base: Record<string, string | undefined> = { ...process.env };
  delete base.WEB_ROOT;
  const started = spawn(process.execPath, [MAIN, '--migrate'], {
    cwd,
    env: {
      ...base,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: `sqlite:///${database}`,
      PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = started;
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const listening = /"url":"(http:\/\/[^"]+)\/trpc"[^\n]*"msg":"shop-api listening"/.exec(output);
      if (listening?.[1]) resolve(listening[1]);
    };
    started.stdout?.on('data', onData);
    started.stderr?.on('data', onData);
    started.once('exit', (code) => reject(new Error(`main.ts exited with ${code}: ${output}`)));
  });
}

const page = async (url: string) => {
  const response = await fetch(url, { headers: { accept: 'text/html' } });
  return { status: response.status, body: await response.text() };
};

// Processes and files, the same on every dialect: once, in the SQLite project.
describe.runIf(testDialect === 'sqlite')('the production web app', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'shop-production-web-'));
    await ensureWebBuild(() => {});
    return () => rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    child = undefined;
  });

  it('serves apps/web/dist at / without WEB_ROOT, from any working directory', async () => {
    const origin = await serve({}, dir);
    for (const route of ['/', '/products/1']) {
      const html = await page(`${origin}${route}`);
      expect(html.status).toBe(200);
      expect(html.body).toContain('<div id="root"></div>');
    }
  });

  it('reads a relative WEB_ROOT from the repository root, not the working directory', async () => {
    const app = path.join(dir, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'index.html'), '<p>another build</p>');
    const origin = await serve({ WEB_ROOT: path.relative(REPO_ROOT, app) }, tmpdir());
    expect(await page(`${origin}/`)).toEqual({ status: 200, body: '<p>another build</p>' });
  });
});
