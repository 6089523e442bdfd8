// The shop and the API reference under the server's security headers, in a real browser: both work with the
// Content-Security-Policy on (the harness fails any test whose page broke it), and no other site can frame
// the shop (clickjacking: the transfer form cannot be put under someone else's buttons).
import { testDialect } from '@shop/db/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { screenshot, signIn, useBrowserShop } from './harness.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a vitest fixture helper named like a hook, not a React hook
const browserShop = useBrowserShop();
let page: ReturnType<typeof browserShop.page>;
let origin = '';
beforeEach((context) => {
  if (context.task.result?.state === 'skip') return;
  page = browserShop.page();
  origin = browserShop.origin();
});

describe.runIf(testDialect === 'sqlite')('security headers in the browser', () => {
  it('serves the shop with a CSP, nosniff, no referrer and frames refused', async () => {
    const response = await page.goto(`${origin}/`);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('no-referrer');
    await signIn(page, origin, 'alice');
    await page.getByRole('link', { name: 'My account' }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
  });

  it('renders the API reference at /api/docs under its own CSP (its inline script allowed by hash), offline', async () => {
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== origin) elsewhere.push(request.url());
    });
    const response = await page.goto(`${origin}/api/docs/`);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'sha256-[\w+/=]+'/);
    // Scalar rendered the document (its sidebar lists the routes by summary).
    await expect.poll(() => page.locator('body').textContent()).toContain('Liveness: the process is up');
    // Nothing leads to Scalar's services: no "Ask AI", no developer tools bar (Generate SDK, Deploy, Share).
    for (const name of [/Ask AI/, /Generate SDK/, /Deploy/, /Developer Tools/, /Share/, /Open API Client/])
      expect(await page.getByRole('button', { name }).or(page.getByRole('link', { name })).count(), String(name)).toBe(
        0,
      );
    const links = await page
      .locator('a[href^="http"]')
      .evaluateAll((anchors) =>
        anchors.filter((a) => (a as HTMLElement).offsetParent !== null).map((a) => (a as HTMLAnchorElement).href),
      );
    expect(links.filter((href) => new URL(href).origin !== origin)).toEqual([]);
    expect(elsewhere).toEqual([]); // no font, script or call left this server
    await screenshot(page, 'api-docs');
  });

  it('cannot be framed by another page', async () => {
    // Another page than the test's: its refusal is the point here, not a broken policy of the shop.
    const elsewhere = await page.context().browser()?.newContext();
    if (!elsewhere) throw new Error('no browser');
    const attacker = await elsewhere.newPage();
    const frames: string[] = [];
    attacker.on('console', (message) => frames.push(message.text()));
    await attacker.setContent(`<iframe id="shop" src="${origin}/sign-in" width="800" height="600"></iframe>`);
    await attacker.waitForTimeout(1_000);
    const inner = attacker.frames().find((frame) => frame !== attacker.mainFrame());
    // The frame never shows the shop: Chromium replaces the refused document with its error page.
    const text = await inner
      ?.locator('body')
      .textContent({ timeout: 1_000 })
      .catch(() => '');
    expect(text ?? '').not.toContain('Sign in');
    expect(frames.join('\n')).toMatch(/frame-ancestors 'none'/);
    await elsewhere.close();
  });
});
