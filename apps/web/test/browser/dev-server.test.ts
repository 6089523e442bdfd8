// `pnpm dev`: Vite's dev server (this package's vite.config.ts, as `vite` loads it) in front of an API on its own
// port, as `turbo run dev` starts them. The page must render from the dev server, and the API's routes must
// answer through its proxy at the same origin.
import { fileURLToPath } from 'node:url';
import { type ApiServer, createApiServer } from '@shop/api/server';
import { useTestDatabase } from '@shop/db/testing';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, seedShop } from './harness.ts';

const WEB_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// biome-ignore lint/correctness/useHookAtTopLevel: a vitest fixture helper named like a hook, not a React hook
const { db } = useTestDatabase();
let api: ApiServer | undefined;
let vite: ViteDevServer | undefined;
let browser: Browser | undefined;
let origin = '';

beforeAll(async () => {
  api = createApiServer({ orm: db().orm, log: pino({ level: 'silent' }) });
  const apiUrl = await api.listen(0, '127.0.0.1');
  // vite.config.ts reads API_URL when Vite loads it, exactly as under `pnpm dev`.
  const before = process.env.API_URL;
  process.env.API_URL = apiUrl;
  try {
    vite = await createServer({
      root: WEB_ROOT,
      configFile: `${WEB_ROOT}vite.config.ts`,
      logLevel: 'silent',
      server: { port: 0, host: '127.0.0.1' },
    });
  } finally {
    if (before === undefined) delete process.env.API_URL;
    else process.env.API_URL = before;
  }
  await vite.listen();
  const address = vite.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('the dev server has no TCP address');
  origin = `http://127.0.0.1:${address.port}`;
  browser = await launchBrowser();
});

// The test database is emptied before every test.
beforeEach(async () => {
  await seedShop(db());
});

afterAll(async () => {
  await browser?.close();
  await vite?.close();
  await api?.close();
});

describe('pnpm dev (Vite dev server + API)', () => {
  it('proxies the tRPC and REST routes to the API', async () => {
    const trpc = await fetch(`${origin}/trpc/health.live`);
    expect(trpc.status).toBe(200);
    expect(await trpc.json()).toMatchObject({ result: { data: { json: { status: 'ok' } } } });

    const rest = await fetch(`${origin}/api/products?per_page=1`);
    expect(rest.status).toBe(200);
    expect(rest.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await rest.json()).toMatchObject({ total: 30 });

    const docs = await fetch(`${origin}/api/openapi.json`);
    expect(docs.status).toBe(200);
    expect(await docs.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.1/) });
  });

  it('serves the app from source, talking to the API through the proxy', async () => {
    const page = await browser!.newPage();
    try {
      await page.goto(`${origin}/`);
      await expect.poll(() => page.getByRole('status').first().textContent()).toBe('30 products');
      // A client-side URL loads too (the dev server answers index.html for it).
      await page.goto(`${origin}/sign-in`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
    } finally {
      await page.close();
    }
  });
});
