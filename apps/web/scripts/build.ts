// The web app's production build (apps/web/dist), rebuilt when it is missing or older than any of its
// sources: by the main job (so `npm start` serves the current pages) and by the browser tests.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = fileURLToPath(new URL('../', import.meta.url));
export const WEB_DIST = path.join(WEB_DIR, 'dist');
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json', '../../packages/client/src'];

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

/** Runs `vite build` in apps/web when needed; returns the folder to serve. Throws with Vite's output. */
export function ensureWebBuild(say: (line: string) => void): string {
  const reason = webBuildReason();
  if (!reason) return WEB_DIST;
  say(`[main] building the web app (${reason})…`);
  const vite = path.join(
    path.dirname(createRequire(path.join(WEB_DIR, 'package.json')).resolve('vite/package.json')),
    'bin/vite.js',
  );
  // NODE_ENV decides React's build: a test runner's or a shell's "test"/"development" must not leak in.
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: WEB_DIR,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`the web app did not build:\n${result.stdout}${result.stderr}`);
  return WEB_DIST;
}
