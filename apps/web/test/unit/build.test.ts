// The web build is shared by processes that start together (the main job per dialect, the browser tests) while
// some of them already serve dist/: a stale build is rebuilt once, and dist/ is never seen emptied or half-written.
import { execFile } from 'node:child_process';
import { readdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureWebBuild, WEB_DIST, webBuildReason } from '@shop/web/build';
import { expect, it } from 'vitest';

const BUILD_MODULE = new URL('../../scripts/build.ts', import.meta.url).href;
const ensureInChild = () =>
  promisify(execFile)(process.execPath, [
    '--input-type=module',
    '-e',
    `import { ensureWebBuild } from '${BUILD_MODULE}'; await ensureWebBuild((line) => console.log(line));`,
  ]);

it('rebuilds a stale build once for three processes asking at once, and dist/ is complete whenever it exists', async () => {
  await ensureWebBuild(() => {});
  const index = path.join(WEB_DIST, 'index.html');
  const longAgo = new Date(Date.now() - 24 * 3600_000);
  utimesSync(index, longAgo, longAgo);
  expect(webBuildReason()).toMatch(/changed since the last build/);

  // One listing is one look at one directory: it either fails (dist/ is being swapped) or shows what a server
  // would find there.
  const incomplete: string[][] = [];
  let looking = true;
  const look = (async () => {
    while (looking) {
      try {
        const entries = readdirSync(WEB_DIST);
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

  expect(outputs.filter(({ stdout }) => stdout.includes('building the web app'))).toHaveLength(1);
  expect(incomplete).toEqual([]);
  expect(webBuildReason()).toBeNull();
  expect(readdirSync(path.dirname(WEB_DIST)).filter((name) => name.startsWith('.dist-'))).toEqual([]);
}, 120_000);
