// The web app's production build (apps/web/dist), rebuilt when it is missing or older than any of its
// sources: by the main job (so `npm start` serves the current pages) and by the browser tests.
//
// Several processes ask at once (under `npm test` the main job's three dialects and the browser tests start
// together), and some of them are already serving dist/. So one build at a time, across processes (a lock
// beside dist/), and whoever waited checks again before building; the build goes to a folder of its own and
// replaces dist/ only when it is complete, so a server never serves a half-written or emptied dist/ and a failed
// build leaves the previous one in place.
import { execFile } from 'node:child_process';
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { lock } from 'proper-lockfile';

export const WEB_DIR = fileURLToPath(new URL('../', import.meta.url));
export const WEB_DIST = path.join(WEB_DIR, 'dist');
const LOCK = path.join(WEB_DIR, '.dist.lock');
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json', '../../packages/client/src'];
// A build takes seconds; a busy CI machine may run a few in a row. Wait up to 5 minutes for the lock.
const WAIT = { retries: 1_500, factor: 1, minTimeout: 200, maxTimeout: 200 };

function newestMtime(entry: string): number {
  const stats = statSync(entry, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

/** Why the build must run, or null when dist/ is newer than every source. */
export function webBuildReason(): string | null {
  const built = newestMtime(path.join(WEB_DIST, 'index.html'));
  if (built === 0) return 'no build yet';
  const changed = SOURCES.find((source) => newestMtime(path.join(WEB_DIR, source)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

/** Runs `vite build` when needed (one process at a time); returns the folder to serve. Throws with Vite's output. */
export async function ensureWebBuild(say: (line: string) => void): Promise<string> {
  if (!webBuildReason()) return WEB_DIST;
  const release = await lock(WEB_DIR, { lockfilePath: LOCK, stale: 30_000, retries: WAIT, realpath: false });
  try {
    const reason = webBuildReason(); // another process may have built it while this one waited
    if (reason) await build(reason, say);
  } finally {
    await release();
  }
  return WEB_DIST;
}

async function build(reason: string, say: (line: string) => void) {
  say(`[main] building the web app (${reason})…`);
  const vite = path.join(
    path.dirname(createRequire(path.join(WEB_DIR, 'package.json')).resolve('vite/package.json')),
    'bin/vite.js',
  );
  const next = path.join(WEB_DIR, `.dist-next-${process.pid}`);
  const old = path.join(WEB_DIR, `.dist-old-${process.pid}`);
  try {
    // NODE_ENV decides React's build: a test runner's or a shell's "test"/"development" must not leak in.
    // Asynchronous, so the lock's heartbeat keeps running while Vite works.
    await promisify(execFile)(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', next], {
      cwd: WEB_DIR,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  } catch (error) {
    rmSync(next, { recursive: true, force: true });
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`the web app did not build:\n${stdout}${stderr || message}`);
  }
  // Two renames: dist/ is missing only between them (microseconds), never half-written.
  if (statSync(WEB_DIST, { throwIfNoEntry: false })) renameSync(WEB_DIST, old);
  renameSync(next, WEB_DIST);
  rmSync(old, { recursive: true, force: true });
}
