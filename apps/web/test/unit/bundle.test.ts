// The browser bundle carries the typed client and React, never server or database code: AppRouter is a
// type-only import all the way down.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureWebBuild } from '@shop/web/build';
import { expect, it } from 'vitest';

it('builds a bundle without any server or database code', async () => {
  const dist = await ensureWebBuild(() => {});
  const assets = path.join(dist, 'assets');
  const code = readdirSync(assets)
    .filter((file) => file.endsWith('.js'))
    .map((file) => readFileSync(path.join(assets, file), 'utf8'))
    .join('\n');
  expect(code).toContain('Send money'); // the app itself
  expect(code).not.toContain('react-stack-top-frame'); // React's production build, not its development one
  for (const serverOnly of ['@mikro-orm', 'better-sqlite3', 'defineEntity', 'fastify', 'argon2', 'pino', 'kysely']) {
    expect(code).not.toContain(serverOnly);
  }
}, 120_000);
