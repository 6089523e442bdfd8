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
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json', '../../packages/client/src'];
// A build takes seconds; a busy CI machine may run a few in a row. Wait up to 5 minutes for the lock.
const WAIT = { retries: 1_500, factor: 1, minTimeout: 200, maxTimeout: 200 };

function newestMtime(entry: string): number {
  const stats = statSync(entry, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

/** Why the build in `dist` must run, or null when it is newer than every source. */
export function webBuildReason(dist = WEB_DIST): string | null {
  const built = newestMtime(path.join(dist, 'index.html'));
  if (built === 0) return 'no build yet';
  const changed = SOURCES.find((source) => newestMtime(path.join(WEB_DIR, source)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

/**
 * Runs `vite build` when needed (one process at a time); returns the folder to serve. Throws with Vite's
 * output. `dist` is another output folder inside apps/web (tests), default apps/web/dist.
 */
export async function ensureWebBuild(say: (line: string) => void, { dist = WEB_DIST } = {}): Promise<string> {
  if (!webBuildReason(dist)) return dist;
  const name = path.basename(dist);
  let compromised: Error | undefined;
  const release = await lock(WEB_DIR, {
    lockfilePath: path.join(WEB_DIR, `.${name}.lock`),
    stale: 30_000,
    retries: WAIT,
    realpath: false,
    // The lock went stale under this process (its event loop stalled for 30 s): fail the build, not the process.
    onCompromised: (error) => {
      compromised = error;
    },
  });
  try {
    const reason = webBuildReason(dist); // another process may have built it while this one waited
    if (reason) await build(dist, reason, say);
    if (compromised) throw new Error(`the web build lost its lock: ${compromised.message}`);
  } finally {
    await release().catch(() => {}); // a lock already taken over is not this build's error
  }
  return dist;
}

async function build(dist: string, reason: string, say: (line: string) => void) {
  say(`[main] building the web app (${reason})…`);
  const vite = path.join(
    path.dirname(createRequire(path.join(WEB_DIR, 'package.json')).resolve('vite/package.json')),
    'bin/vite.js',
  );
  // Under the lock, any earlier build's leftovers (a process killed mid-build) are only that: removed.
  const name = path.basename(dist);
  for (const entry of readdirSync(WEB_DIR)) {
    if (entry.startsWith(`.${name}-next-`) || entry.startsWith(`.${name}-old-`)) {
      rmSync(path.join(WEB_DIR, entry), { recursive: true, force: true });
    }
  }
  const next = path.join(WEB_DIR, `.${name}-next-${process.pid}`);
  const old = path.join(WEB_DIR, `.${name}-old-${process.pid}`);
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
  if (statSync(dist, { throwIfNoEntry: false })) renameSync(dist, old);
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
}
