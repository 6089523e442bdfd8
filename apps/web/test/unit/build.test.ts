// The web build is shared by processes that start together (the main job per dialect, the browser tests) while
// some of them already serve dist/: a missing or stale build is built once, and dist/ is never seen emptied or
// half-written. Run on an output folder of its own, so the suites serving apps/web/dist meanwhile are not
// touched (and cannot build it first).
import { execFile } from 'node:child_process';
import { readdirSync, rmSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { WEB_DIR, webBuildReason } from '@shop/web/build';
import { afterAll, expect, it } from 'vitest';

const DIST = path.join(WEB_DIR, `dist-test-${process.pid}`);
const BUILD_MODULE = new URL('../../scripts/build.ts', import.meta.url).href;
const ensureInChild = () =>
  promisify(execFile)(process.execPath, [
    '--input-type=module',
    '-e',
    `import { ensureWebBuild } from '${BUILD_MODULE}';
     await ensureWebBuild((line) => console.log(line), { dist: ${JSON.stringify(DIST)} });`,
  ]);

afterAll(() => {
  rmSync(DIST, { recursive: true, force: true });
});

/** Three processes ensure the build at once while this one looks at the folder, as a server would. */
async function ensureThriceWhileLooking() {
  // One listing is one look at one directory: it either fails (the folder is being swapped in) or shows what a
  // server would find there.
  const incomplete: string[][] = [];
  let looking = true;
  const look = (async () => {
    while (looking) {
      try {
        const entries = readdirSync(DIST);
        if (!entries.includes('index.html') || !entries.includes('assets')) incomplete.push(entries);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  const outputs = await Promise.all([ensureInChild(), ensureInChild(), ensureInChild()]).finally(() => {
    looking = false;
  });
  await look;
  return { builds: outputs.filter(({ stdout }) => stdout.includes('building the web app')).length, incomplete };
}

it('builds a missing build once for three processes asking at once, then a stale one once, never seen incomplete', async () => {
  expect(webBuildReason(DIST)).toBe('no build yet');
  expect(await ensureThriceWhileLooking()).toEqual({ builds: 1, incomplete: [] });
  expect(webBuildReason(DIST)).toBeNull();

  const longAgo = new Date(Date.now() - 24 * 3600_000);
  utimesSync(path.join(DIST, 'index.html'), longAgo, longAgo);
  expect(webBuildReason(DIST)).toMatch(/changed since the last build/);
  expect(await ensureThriceWhileLooking()).toEqual({ builds: 1, incomplete: [] });
  expect(webBuildReason(DIST)).toBeNull();
  const name = path.basename(DIST);
  expect(readdirSync(WEB_DIR).filter((entry) => entry.startsWith(`.${name}`))).toEqual([]);
}, 120_000);
