// The database server goes away while a shopper browses (PostgreSQL and MariaDB; SQLite is a file inside the
// API): the page says the shop is briefly unavailable, not that something broke, and the same page works
// again once the server is back, without restarting anything.
import { type ApiServer, createApiServer } from '@shop/api/server';
import type { Orm } from '@shop/db';
import {
  type DatabaseLink,
  type LinkedDatabase,
  linkedTestDatabase,
  serverUnavailable,
  testDialect,
} from '@shop/db/testing';
import { ensureWebBuild } from '@shop/web/build';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, recordPage, screenshot, seedShop } from './harness.ts';

const UNAVAILABLE = 'The shop is briefly unavailable. Please try again in a moment.';

describe.skipIf(testDialect === 'sqlite' || serverUnavailable())(
  'the database goes away while a shopper browses',
  () => {
    let linked: LinkedDatabase | undefined;
    let link: DatabaseLink;
    let orm: Orm;
    let server: ApiServer;
    let browser: Browser;
    let origin = '';

    beforeAll(async () => {
      linked = await linkedTestDatabase(testDialect);
      ({ link, orm } = linked);
      await seedShop({ ...linked.database, orm });
      const webRoot = await ensureWebBuild(() => {});
      server = createApiServer({ orm, log: pino({ level: 'silent' }), webRoot });
      origin = new URL(await server.listen(0, '127.0.0.1')).origin;
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await linked?.close();
    });

    it('says so in a shopper’s words, and the page works again once the server is back', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const log = recordPage(page);
      try {
        await page.goto(`${origin}/`);
        await expect.poll(() => page.locator('.card').count()).toBeGreaterThan(0);

        await link.cut();
        await page.goto(`${origin}/?q=novel`);
        await page.getByText(UNAVAILABLE).waitFor();
        expect(await page.locator('.card').count()).toBe(0);
        if (testDialect === 'postgresql') await screenshot(page, 'database-down'); // one dialect's picture suffices

        await link.restore();
        await page.reload();
        await expect.poll(() => page.locator('.card').count()).toBeGreaterThan(0);
        expect(await page.getByText(UNAVAILABLE).count()).toBe(0);
      } catch (error) {
        await log.print('database outage');
        throw error;
      } finally {
        await page.close();
      }
    });
  },
);
