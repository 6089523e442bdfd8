// `npm start` as a newcomer runs it, then Ctrl-C (issue 20): the whole chain (npm → sh → scripts/toolchain.mjs →
// node apps/main/src/main-job.ts) gets SIGINT from the terminal, the shop stops gracefully, and npm ends by
// SIGINT (status 130 in a shell: "interrupted", so `npm start && next` stops) without a word from the tools
// (no pnpm "Command failed with signal", no ELIFECYCLE, no npm error).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDialect } from '@shop/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
let dir = '';

// One chain of processes on a file: the same on every dialect, so it runs once, in the SQLite project.
describe.runIf(testDialect === 'sqlite')('npm start, then Ctrl-C', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'shop-npm-start-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops the shop gracefully and ends by SIGINT, quietly', async () => {
    // Its own process group, as a terminal's foreground job: Ctrl-C signals every process in it.
    const npm = spawn('npm', ['start'], {
      cwd: REPO,
      detached: true,
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:///${path.join(dir, 'shop.db')}`,
        PORT: '0',
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        npm_config_update_notifier: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let url = '';
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      npm.on('close', (code, signal) => resolve({ code, signal })),
    );
    await new Promise<void>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        output += String(chunk);
        const ready = /Typed API: +(http:\/\/\S+)/.exec(output);
        if (ready?.[1] && !url) {
          url = ready[1];
          resolve();
        }
      };
      npm.stdout.on('data', read);
      npm.stderr.on('data', read);
      void ended.then(() => reject(new Error(`npm start ended before it was ready:\n${output}`)));
    });
    expect((await fetch(`${url}/health.live`)).status).toBe(200);
    const before = output.length;

    process.kill(-(npm.pid as number), 'SIGINT');
    expect(await ended).toEqual({ code: null, signal: 'SIGINT' });
    const afterCtrlC = output.slice(before);
    expect(afterCtrlC).toMatch(/shutting down: finishing in-flight requests/);
    expect(afterCtrlC).toMatch(/\bstopped\b/);
    expect(output).not.toMatch(/Command failed|ELIFECYCLE|ERR_PNPM|npm error|npm ERR/);
    // Nothing was left behind serving the port.
    await expect(fetch(`${url}/health.live`)).rejects.toThrow();
  });
});
