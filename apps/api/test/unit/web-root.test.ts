// Which built web app the API serves at `/`: WEB_ROOT, resolved from the repository root when relative (as a
// relative DATABASE_URL path is) and refused without an index.html; unset, apps/web/dist under
// NODE_ENV=production when it holds a build, with one log line saying why not when it does not.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { loadApiSettings, missingWebApp } from '../../src/process/env.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'shop-web-root-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A folder holding an index.html (a build), or nothing. */
function folder(name: string, built: boolean) {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  if (built) writeFileSync(path.join(folder, 'index.html'), '<div id="root"></div>');
  return folder;
}

it('resolves a relative WEB_ROOT from the repository root, whatever the working directory', () => {
  const built = folder('relative', true);
  const relative = path.relative(REPO_ROOT, built);
  expect(path.resolve(process.cwd(), relative)).not.toBe(built); // the tests run in apps/api
  expect(loadApiSettings({ WEB_ROOT: relative }).WEB_ROOT).toBe(built);
  expect(loadApiSettings({ WEB_ROOT: `  ${built}  ` }).WEB_ROOT).toBe(built);
});

it('refuses a WEB_ROOT without an index.html in one line that names the folder and the build', () => {
  const empty = folder('empty', false);
  expect(() => loadApiSettings({ WEB_ROOT: empty })).toThrow(
    `WEB_ROOT: ${empty} has no index.html: point WEB_ROOT at a built web app (npm run build builds apps/web/dist)`,
  );
});

it('serves the built web app by default in production only, and says why not when there is none', () => {
  const built = folder('dist', true);
  const production = loadApiSettings({ NODE_ENV: 'production' }, built);
  expect(production.WEB_ROOT).toBe(built);
  expect(missingWebApp(production, built)).toBeNull();
  expect(loadApiSettings({ NODE_ENV: 'development' }, built).WEB_ROOT).toBeUndefined();
  expect(missingWebApp(loadApiSettings({ NODE_ENV: 'development' }, built), built)).toBeNull();
  const other = folder('other', true);
  expect(loadApiSettings({ NODE_ENV: 'production', WEB_ROOT: other }, built).WEB_ROOT).toBe(other);

  const unbuilt = folder('unbuilt', false);
  const bare = loadApiSettings({ NODE_ENV: 'production' }, unbuilt);
  expect(bare.WEB_ROOT).toBeUndefined();
  expect(missingWebApp(bare, unbuilt)).toBe(
    `no built web app at ${unbuilt}: serving the API only (build it with npm run build, or set WEB_ROOT)`,
  );
});
