// The real API (in process, on the test database) serving the built web app on an ephemeral port, a
// Chromium from the npm registry (@sparticuz/chromium) driven by playwright-core, and a small shop.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApiServer, createApiServer } from '@shop/api/server';
import { assignRole, createCategory, createProducts, createRole, createUser, ensureAdmin, openAccount } from '@shop/db';
import { type TestDatabase, useTestDatabase } from '@shop/db/testing';
import { ensureWebBuild } from '@shop/web/build';
import sparticuz from '@sparticuz/chromium';
import { pino } from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

export const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));

export async function startShop(db: TestDatabase): Promise<{ origin: string; server: ApiServer }> {
  const webRoot = await ensureWebBuild(() => {});
  const server = createApiServer({ orm: db.orm, log: pino({ level: 'silent' }), webRoot });
  const url = await server.listen(0, '127.0.0.1');
  return { origin: new URL(url).origin, server };
}

// The package's flags are tuned for AWS Lambda; a normal desktop-like browser keeps its processes apart and
// its web security on (single-process mode also dies when its last page closes).
const LAMBDA_ONLY = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content']);

/** Chromium shipped inside the npm package (no system browser, no root); a system one via CHROMIUM_PATH. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? (await sparticuz.executablePath());
  const args = sparticuz.args.filter((arg) => !LAMBDA_ONLY.has(arg));
  return chromium.launch({ executablePath, args, headless: true });
}

export interface PageLog {
  print(title: string): Promise<void>;
  /** What the browser refused under the server's Content-Security-Policy (console errors it logged). */
  cspViolations(): string[];
}

/** Keeps the page's console errors, failed requests and non-2xx answers, to print when a test fails. */
export function recordPage(page: Page): PageLog {
  const started = Date.now();
  const lines: string[] = [];
  const csp: string[] = [];
  const at = () => `+${((Date.now() - started) / 1000).toFixed(2)}s`;
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      lines.push(`${at()} console.${message.type()}: ${message.text()}`);
    if (/Content Security Policy/i.test(message.text())) csp.push(message.text());
  });
  page.on('pageerror', (error) => lines.push(`${at()} page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    lines.push(`${at()} failed ${request.method()} ${request.url()}: ${request.failure()?.errorText}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400)
      lines.push(`${at()} ${response.status()} ${response.request().method()} ${response.url()}`);
  });
  page.on('requestfinished', (request) => {
    const timing = request.timing();
    if (timing.responseEnd > 2_000)
      lines.push(`${at()} slow (${Math.round(timing.responseEnd)} ms) ${request.method()} ${request.url()}`);
  });
  return {
    cspViolations: () => csp,
    async print(title) {
      const text = await page
        .locator('body')
        // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText keeps the page's line breaks, which makes the dump readable
        .innerText({ timeout: 2_000 })
        .catch((error: Error) => `(no text: ${error.message})`);
      console.error(
        [`--- ${title}: ${page.url()} after ${at()}`, ...lines, '--- page text:', text.slice(0, 3_000), '---'].join(
          '\n',
        ),
      );
    },
  };
}

export interface Shop {
  admin: { id: number };
  books: number;
  games: number;
  alice: { id: number; accountId: number };
  bob: { id: number; accountId: number };
}

export const PASSWORDS = { admin: 'admin-password-123', alice: 'alice-password', bob: 'bob-password' };

/** 2 categories, 30 products, an admin, and two customers with one account each (alice: 100.00). */
export async function seedShop(db: TestDatabase): Promise<Shop> {
  const em = () => db.orm.em.fork();
  const books = await createCategory(em(), 'Books');
  const games = await createCategory(em(), 'Games');
  await createProducts(
    em(),
    Array.from({ length: 30 }, (_, i) => ({
      name: `${i < 20 ? 'Novel' : 'Puzzle'} ${String(i + 1).padStart(2, '0')}`,
      price: `${5 + i}.50`,
      categoryId: i < 20 ? books.id : games.id,
      stock: i % 7 === 0 ? 0 : 2 + (i % 9),
    })),
  );
  const { user: admin } = await ensureAdmin(em(), {
    username: 'admin',
    email: 'admin@example.com',
    password: PASSWORDS.admin,
  });
  await createRole(em(), 'customer');
  const customer = async (name: 'alice' | 'bob', opening: string) => {
    const user = await createUser(em(), { username: name, email: `${name}@example.com`, password: PASSWORDS[name] });
    await assignRole(em(), user.id, 'customer');
    return { id: user.id, accountId: (await openAccount(em(), user.id, opening, 'any')).id };
  };
  return {
    admin: { id: admin.id },
    books: books.id,
    games: games.id,
    alice: await customer('alice', '100.00'),
    bob: await customer('bob', '0'),
  };
}

export async function signIn(page: Page, origin: string, who: keyof typeof PASSWORDS) {
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel('Username or email').fill(who);
  await page.getByLabel('Password').fill(PASSWORDS[who]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: `Sign out (${who})` }).waitFor();
}

/**
 * Signs `who` out and waits until that is done (the header offers "Sign in" again): navigating at once would
 * abort the sign-out request, and the next page would still see the session.
 */
export async function signOut(page: Page, who: string) {
  await page.getByRole('button', { name: `Sign out (${who})` }).click();
  await page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
}

/** Whether the page fits its viewport's width (nothing to scroll sideways, as on a 375 px phone). */
export const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** Desktop and phone-width screenshots, written by every run (the README shows the committed ones). */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [suffix, width] of [
    ['desktop', 1280],
    ['375', 375],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    // Times change on every run; masked, an unchanged page gives an unchanged picture.
    await page.screenshot({
      path: path.join(SCREENSHOTS, `${name}-${suffix}.png`),
      fullPage: true,
      mask: [page.locator('.ledger td:first-child')],
      maskColor: '#e6e6e6', // a neutral block, not Playwright's default magenta
    });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

export interface BrowserShop {
  /** The page of the current test (a new one per test, 1280 × 900). */
  page(): Page;
  /** http://127.0.0.1:PORT of the API serving the web app. */
  origin(): string;
  /** The small shop, seeded again before every test (the test database is emptied before each). */
  shop(): Shop;
  db(): TestDatabase;
}

/**
 * A test file's browser, API server and shop: the browser and the server once per file, a fresh shop and
 * page per test. A failed test prints what its page showed and what its requests answered.
 */
export function useBrowserShop(): BrowserShop {
  const { db } = useTestDatabase();
  let browser: Browser | undefined;
  let server: ApiServer | undefined;
  let origin = '';
  let page: Page | undefined;
  let pageLog: PageLog | undefined;
  let shop: Shop | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async (context) => {
    if (context.task.result?.state === 'skip' || !browser) return;
    shop = await seedShop(db());
    if (!server) ({ origin, server } = await startShop(db()));
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    pageLog = recordPage(page);
  });
  afterEach(async (context) => {
    // A failed step says only what it waited for; what the page showed and what its requests answered say why.
    if (context.task.result?.state === 'fail') await pageLog?.print(context.task.name);
    // Every page of every browser test runs under the server's CSP: anything it refused fails the test.
    const refused = pageLog?.cspViolations() ?? [];
    await page?.close();
    if (refused.length > 0) throw new Error(`the page broke its Content-Security-Policy:\n${refused.join('\n')}`);
  });
  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`no ${what}: used outside a test`);
    return value;
  };
  return {
    page: () => required(page, 'page'),
    origin: () => origin,
    shop: () => required(shop, 'shop'),
    db,
  };
}
