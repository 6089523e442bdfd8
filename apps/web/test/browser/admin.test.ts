// The admin pages in a real browser, on every dialect: every destructive action asks first in an in-page
// dialog (Cancel keeps the row, the action removes it), every create and edit says "Saved", and the users
// table shows Active/Inactive and fits a 375 px phone.
import { testDialect } from '@shop/db/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { fitsWidth, screenshot, signIn, useBrowserShop } from './harness.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a vitest fixture helper named like a hook, not a React hook
const browserShop = useBrowserShop();
const shots = testDialect === 'sqlite'; // one set of screenshots per run
let page: ReturnType<typeof browserShop.page>;
let origin = '';
beforeEach(async (context) => {
  if (context.task.result?.state === 'skip') return;
  page = browserShop.page();
  origin = browserShop.origin();
  await signIn(page, origin, 'admin');
});

const dialog = () => page.getByRole('dialog');
const status = (text: string) => page.getByRole('status').filter({ hasText: text });
/** Answers the open confirmation dialog, and waits until it has closed. */
const answer = async (button: 'Cancel' | string) => {
  await dialog().getByRole('button', { name: button, exact: true }).click();
  await expect.poll(() => dialog().count()).toBe(0);
};

describe('admin pages in a browser', () => {
  it('creates, renames and deletes a category: Saved after each change, a dialog before the delete', async () => {
    await page.goto(`${origin}/admin/categories`);
    await expect.poll(() => page.title()).toBe('Categories · Admin · shop-rpc');
    await page.getByLabel('New category').fill('Maps');
    await page.getByRole('button', { name: 'Create category' }).click();
    await status('Saved “Maps”.').waitFor();
    await page.getByLabel('New category').fill('Maps');
    await page.getByRole('button', { name: 'Create category' }).click();
    await expect.poll(() => page.locator('#category-name-error').textContent()).toBe('That name is already taken');

    await page.getByRole('button', { name: 'Rename Maps' }).click();
    await page.getByLabel('New name for Maps').fill('Atlases');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await status('Saved “Atlases”.').waitFor();

    await page.getByRole('button', { name: 'Delete Atlases' }).click();
    await dialog().getByRole('heading', { name: 'Delete “Atlases”?' }).waitFor();
    expect(await dialog().evaluate((d: HTMLDialogElement) => d.open && d.matches(':modal'))).toBe(true);
    if (shots) await screenshot(page, 'admin-confirm');
    await answer('Cancel');
    expect(await page.locator('.rows li', { hasText: 'Atlases' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Delete Atlases' }).click();
    await answer('Delete category');
    await status('Deleted “Atlases”.').waitFor();
    await expect.poll(() => page.locator('.rows li', { hasText: 'Atlases' }).count()).toBe(0);

    // A category with products is kept, and the notice says why in words.
    await page.getByRole('button', { name: 'Delete Books' }).click();
    await answer('Delete category');
    await page.getByRole('alert').filter({ hasText: 'This category still has products' }).waitFor();
    expect(await page.locator('.rows li', { hasText: 'Books' }).count()).toBe(1);
  });

  it('creates and edits a product with friendly field errors and Saved, and deletes it after a confirmation', async () => {
    await page.goto(`${origin}/admin/products`);
    await page.getByRole('button', { name: 'Create product' }).click();
    await expect.poll(() => page.locator('#product-price-error').textContent()).toBe('Enter a price like 12.50');
    expect(await page.locator('#product-name-error').textContent()).toBe('Enter a name (up to 100 characters)');
    expect(await page.locator('#product-category-error').textContent()).toBe('Choose a category');
    await page.getByLabel('Name').fill('Atlas of Everywhere');
    await page.getByLabel('Price').fill('1234.50');
    await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Books' });
    await page.getByRole('button', { name: 'Create product' }).click();
    await status('Saved “Atlas of Everywhere”.').waitFor();
    await page.locator('.rows li', { hasText: 'Atlas of Everywhere · $1,234.50 · Books' }).waitFor();

    await page.getByRole('button', { name: 'Edit Puzzle 30' }).click();
    await page.getByRole('heading', { name: 'Edit Puzzle 30' }).waitFor();
    await page.getByLabel('Price').fill('99.99');
    await page.getByRole('button', { name: 'Save product' }).click();
    await status('Saved “Puzzle 30”.').waitFor();
    await page.locator('.rows li', { hasText: 'Puzzle 30 · $99.99' }).waitFor();

    await page.getByRole('button', { name: 'Delete Puzzle 30' }).click();
    await dialog().getByRole('heading', { name: 'Delete “Puzzle 30”?' }).waitFor();
    await page.keyboard.press('Escape'); // a "no", like Cancel
    await expect.poll(() => dialog().count()).toBe(0);
    expect(await page.locator('.rows li', { hasText: 'Puzzle 30' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Delete Puzzle 30' }).click();
    await answer('Delete product');
    await expect.poll(() => page.locator('.rows li', { hasText: 'Puzzle 30' }).count()).toBe(0);
    await page.goto(`${origin}/?q=puzzle+30`);
    await page.getByText('No products match these filters.').waitFor();
  });

  it('labels users Active or Inactive, asks before deactivating or removing a role, and fits a phone', async () => {
    await page.goto(`${origin}/admin/users`);
    await expect.poll(() => page.title()).toBe('Users · Admin · shop-rpc');
    await page.getByLabel('Username contains').fill('ali');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    const alice = page.locator('tbody tr', { hasText: 'alice' });
    expect(await alice.locator('.badge').textContent()).toBe('Active');

    await page.getByRole('button', { name: 'Deactivate alice' }).click();
    await dialog().getByRole('heading', { name: 'Deactivate alice?' }).waitFor();
    await answer('Cancel');
    expect(await alice.locator('.badge').textContent()).toBe('Active');
    await page.getByRole('button', { name: 'Deactivate alice' }).click();
    await answer('Deactivate');
    await expect.poll(() => alice.locator('.badge').textContent()).toBe('Inactive');
    await status('alice is now inactive.').waitFor();
    await page.getByRole('button', { name: 'Activate alice' }).click(); // not destructive: no question
    await expect.poll(() => alice.locator('.badge').textContent()).toBe('Active');

    await page.getByLabel('Add a role to alice').selectOption('admin');
    const removeAdmin = page.getByRole('button', { name: 'Remove role admin from alice' });
    await removeAdmin.waitFor();
    await removeAdmin.click();
    await answer('Cancel');
    expect(await removeAdmin.count()).toBe(1);
    await removeAdmin.click();
    await answer('Remove role');
    await expect.poll(() => removeAdmin.count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Remove role customer from alice' }).count()).toBe(1);

    await page.getByLabel('Username contains').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(3);
    await page.getByRole('button', { name: 'Deactivate bob' }).click();
    await answer('Deactivate');
    await expect.poll(() => page.locator('.badge', { hasText: 'Inactive' }).count()).toBe(1);
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await fitsWidth(page)).toBe(true);
    for (const label of ['Active', 'Inactive'])
      expect(await page.locator('.badge', { hasText: label }).first().isVisible()).toBe(true);
    if (shots) await screenshot(page, 'admin-users');
  });
});
