// The shop in a real browser (Chromium via playwright-core) against the real API and database, on every
// dialect: catalog, sign-in, transfers, admin pages, and who may see what.
import { testDialect } from '@shop/db/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { screenshot, signIn, useBrowserShop } from './harness.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a vitest fixture helper named like a hook, not a React hook
const browserShop = useBrowserShop();
const shots = testDialect === 'sqlite'; // one set of screenshots per run
let page: ReturnType<typeof browserShop.page>;
let origin = '';
let shop: ReturnType<typeof browserShop.shop>;
beforeEach((context) => {
  if (context.task.result?.state === 'skip') return;
  page = browserShop.page();
  origin = browserShop.origin();
  shop = browserShop.shop();
});

const balanceOf = (accountId: number) => page.getByTestId(`balance-${accountId}`);

describe('the shop in a browser', () => {
  it('browses, filters, orders, pages and loads more of the catalog; a reload keeps the filters', async () => {
    await page.goto(`${origin}/`);
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('30 products');
    await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Games' });
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('10 products');
    await page.getByLabel('Name contains').fill('puzzle 2');
    await page.getByLabel('Order by').selectOption({ label: 'Price: high to low' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(() => page.locator('.card h2').allTextContents())
      .toEqual([
        'Puzzle 29',
        'Puzzle 28',
        'Puzzle 27',
        'Puzzle 26',
        'Puzzle 25',
        'Puzzle 24',
        'Puzzle 23',
        'Puzzle 22',
        'Puzzle 21',
      ]);
    await page.reload();
    await expect.poll(() => page.locator('.card h2').count()).toBe(9);
    expect(page.url()).toContain('q=puzzle+2');

    await page.goto(`${origin}/`);
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('30 products');
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await expect.poll(() => page.getByText('Page 2 of 3').count()).toBe(1);
    const catalogPages = page.getByRole('navigation', { name: 'Catalog pages' });
    await catalogPages.getByRole('button', { name: 'Page 3', exact: true }).click();
    await expect.poll(() => page.getByText('Page 3 of 3').count()).toBe(1);
    expect(await page.locator('.card').count()).toBe(6); // 30 products, 12 a page
    await catalogPages.getByRole('button', { name: 'Page 2', exact: true }).click();
    await expect.poll(() => page.getByText('Page 2 of 3').count()).toBe(1);
    if (shots) await screenshot(page, 'catalog');
    await page.getByRole('button', { name: 'load more', exact: true }).click();
    await expect.poll(() => page.locator('.card').count()).toBe(12);
    await page.getByRole('button', { name: 'Load more', exact: true }).click();
    await expect.poll(() => page.locator('.card').count()).toBe(24);
    await page.getByRole('button', { name: 'Load more', exact: true }).click();
    await expect.poll(() => page.locator('.card').count()).toBe(30);
    expect(await page.getByRole('button', { name: 'Load more', exact: true }).count()).toBe(0);

    await page.getByRole('link', { name: 'Novel 03' }).click();
    await page.waitForURL(/\/products\/\d+$/);
    await page.getByRole('heading', { level: 1, name: 'Novel 03' }).waitFor();
    expect(await page.locator('article .price').textContent()).toBe('$7.50');
  });

  it('shows an empty state, and a malformed price filter’s error beside its input', async () => {
    await page.goto(`${origin}/?q=nothing-like-this`);
    await page.getByText('No products match these filters.').waitFor();
    await page.goto(`${origin}/?min=1,5`);
    await expect.poll(() => page.locator('#min-error').textContent()).toBe('Enter a price like 12.50');
    expect(await page.getByLabel('Min price').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Max price').getAttribute('aria-invalid')).toBeNull();
    await page.getByText('Please correct the highlighted filters.').waitFor();
  });

  it('signs in, transfers funds once per submission, shows insufficient funds, and updates balance and ledger', async () => {
    await page.goto(`${origin}/account`);
    await page.waitForURL(/\/sign-in\?next=%2Faccount/);
    await signIn(page, origin, 'alice');
    await page.waitForURL(/\/account$/);
    await expect.poll(() => balanceOf(shop.alice.accountId).textContent()).toBe('$100.00');

    await page.getByLabel('To account number').fill(String(shop.bob.accountId));
    await page.getByLabel('Amount').fill('12.50');
    await page.getByRole('button', { name: 'Send money' }).dblclick();
    await expect.poll(() => balanceOf(shop.alice.accountId).textContent()).toBe('$87.50');
    // Newest first: the one transfer of the double click, then the opening deposit the shop topped up.
    const ledgerRows = () => page.locator('.ledger tbody tr td:nth-child(2)').allTextContents();
    await expect
      .poll(ledgerRows)
      .toEqual([`Transfer to account #${shop.bob.accountId}`, 'Top-up by the shop: opening deposit']);

    await page.getByLabel('To account number').fill(String(shop.bob.accountId));
    await page.getByLabel('Amount').fill('500.00');
    await page.getByRole('button', { name: 'Send money' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/^Insufficient funds/);
    await page.getByLabel('Amount').fill('1.999');
    await page.getByRole('button', { name: 'Send money' }).click();
    await expect.poll(() => page.locator('#amount-error').textContent()).toBe('Enter an amount like 12.50');
    expect(await page.getByLabel('Amount').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => balanceOf(shop.alice.accountId).textContent()).toBe('$87.50');
    expect(await page.locator('.ledger tbody tr').count()).toBe(2);
    if (shots) await screenshot(page, 'account');

    await page.goto(`${origin}/admin/users`);
    await page.getByText('Admin only: your account cannot open this page.').waitFor();
    expect(await page.getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0);
  });

  it('lets an admin create a category and a product the catalog then shows, with field errors beside inputs', async () => {
    await signIn(page, origin, 'admin');
    await page.getByRole('link', { name: 'Admin', exact: true }).click();
    await page.getByRole('link', { name: 'Categories', exact: true }).click();
    await page.getByLabel('New category').fill('Maps');
    await page.getByRole('button', { name: 'Create category' }).click();
    await page.locator('.rows li', { hasText: 'Maps' }).waitFor();
    await page.getByLabel('New category').fill('Maps');
    await page.getByRole('button', { name: 'Create category' }).click();
    await expect.poll(() => page.locator('#category-name-error').textContent()).toBe('That name is already taken');

    await page.getByRole('link', { name: 'Products', exact: true }).click();
    await page.getByRole('button', { name: 'Create product' }).click();
    await expect.poll(() => page.locator('#product-price-error').count()).toBe(1);
    expect(await page.locator('#product-name-error').count()).toBe(1);
    await page.getByLabel('Name').fill('Atlas of Everywhere');
    await page.getByLabel('Price').fill('42.00');
    await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Maps' });
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.locator('.rows li', { hasText: 'Atlas of Everywhere' }).waitFor();

    await page.getByRole('link', { name: 'Statistics' }).click();
    await page.getByRole('img', { name: /Products per category\. Books: 20, Games: 10, Maps: 1/ }).waitFor();
    if (shots) await screenshot(page, 'admin-stats');

    await page.getByRole('link', { name: 'Catalog', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Catalog' }).waitFor();
    await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Maps' });
    await expect.poll(() => page.locator('.card h2').allTextContents()).toEqual(['Atlas of Everywhere']);
  });
});
