// The shop in a browser, on every dialect: a new customer registers and opens an account, an admin tops it
// up with a reason, the customer fills a cart (kept across a reload), checks out and sees the order; the
// admin ships it and the customer sees "Shipped". Then the refusals in words: too little money, a product
// that sold out meanwhile. Screenshots at desktop and phone widths.
import { createProduct, updateProduct } from '@shop/db';
import { beforeEach, describe, expect, it } from 'vitest';
import { fitsWidth, PASSWORDS, screenshot, signIn, signOut, useBrowserShop } from './harness.ts';

// biome-ignore lint/correctness/useHookAtTopLevel: a vitest fixture helper named like a hook, not a React hook
const browserShop = useBrowserShop();
let page: ReturnType<typeof browserShop.page>;
let origin = '';
let shop: ReturnType<typeof browserShop.shop>;
beforeEach((context) => {
  if (context.task.result?.state === 'skip') return;
  page = browserShop.page();
  origin = browserShop.origin();
  shop = browserShop.shop();
});

const cartCount = () => page.getByTestId('cart-count').textContent();
const product = (name: string, price: string, stock: number) =>
  createProduct(browserShop.db().orm.em.fork(), { name, price, stock, categoryId: shop.books });

describe('buying in the shop', () => {
  it('register → top-up by an admin → cart → checkout → the order → shipped', async () => {
    const lamp = await product('Reading Lamp', '24.50', 3);
    // A new customer, with an account the shop has not yet put money in.
    await page.goto(`${origin}/sign-in`);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Username').fill('carol');
    await page.getByLabel('Email').fill('carol@example.com');
    await page.getByLabel('Password').fill('carol-password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/account$/);
    await page.getByText('Money comes in from a top-up by the shop’s staff').waitFor();
    await page.getByRole('button', { name: 'Open a new account' }).click();
    const accountCell = page
      .locator('tbody td')
      .filter({ hasText: /^#\d+$/ })
      .first();
    const accountId = Number((await accountCell.textContent())?.slice(1));
    expect(accountId).toBeGreaterThan(0);
    await signOut(page, 'carol');

    // The admin tops it up, with a reason.
    await signIn(page, origin, 'admin');
    await page.goto(`${origin}/admin/accounts`);
    await page.getByLabel('Account number').fill(String(accountId));
    await page.getByLabel('Amount').fill('60');
    await page.getByLabel('Reason').fill('gift card GC-1042');
    await page.getByRole('button', { name: 'Top up' }).click();
    await page.getByText(`Saved top-up: account #${accountId} now holds $60.00.`).waitFor();
    await screenshot(page, 'admin-top-up');
    await signOut(page, 'admin');

    // Carol fills her cart; a reload keeps it.
    await page.goto(`${origin}/sign-in`);
    await page.getByLabel('Username or email').fill('carol');
    await page.getByLabel('Password').fill('carol-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out (carol)' }).waitFor();
    await page.goto(`${origin}/products/${lamp.id}`);
    await page.getByText('Only 3 left').waitFor();
    await page.getByLabel('Quantity').fill('2');
    await page.getByRole('button', { name: 'Add Reading Lamp to the cart' }).click();
    await expect.poll(cartCount).toBe('2');
    await page.reload();
    await expect.poll(cartCount).toBe('2');
    await page.getByRole('link', { name: /^Cart, 2 items/ }).click();
    await page.waitForURL(`${origin}/cart`);
    await expect.poll(() => page.getByTestId('cart-total').textContent()).toBe('$49.00');
    await expect.poll(() => page.getByLabel('Pay from').textContent()).toContain(`Account #${accountId} ($60.00)`);
    await screenshot(page, 'cart');
    await page.getByRole('button', { name: 'Place order' }).click();

    // The order, placed and paid.
    await page.waitForURL(/\/orders\/\d+$/);
    const orderId = Number(page.url().split('/').pop());
    await page.getByRole('heading', { name: `Order #${orderId}` }).waitFor();
    await expect.poll(() => page.locator('.status').first().textContent()).toBe('Placed');
    await expect.poll(() => page.getByTestId('order-total').textContent()).toBe('$49.00');
    await expect.poll(cartCount).toBe('0');
    await screenshot(page, 'order');
    await page.goto(`${origin}/account`);
    await page.getByRole('cell', { name: `Payment for order #${orderId}` }).waitFor();
    await page.getByRole('cell', { name: 'Top-up by the shop: gift card GC-1042' }).waitFor();
    await signOut(page, 'carol');

    // The admin ships it.
    await signIn(page, origin, 'admin');
    await page.goto(`${origin}/admin/orders`);
    await page.getByLabel('Status').selectOption('placed');
    await page.getByRole('button', { name: `Ship #${orderId}` }).click();
    await page.getByText(`Order #${orderId} shipped.`).waitFor();
    await page.getByLabel('Status').selectOption('');
    // The buyer by name, the paying account by number.
    await expect
      .poll(() => page.locator('.admin-orders tbody tr').first().locator('td').nth(1).textContent())
      .toMatch(/^carol, account #\d+$/);
    await screenshot(page, 'admin-orders');
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await fitsWidth(page)).toBe(true);
    await page.setViewportSize({ width: 1280, height: 900 });
    await signOut(page, 'admin');

    // Carol sees it shipped, and can no longer cancel it.
    await page.goto(`${origin}/sign-in`);
    await page.getByLabel('Username or email').fill('carol');
    await page.getByLabel('Password').fill('carol-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out (carol)' }).waitFor();
    await page.getByRole('link', { name: 'My orders' }).click();
    await page.getByRole('link', { name: `Order #${orderId}` }).waitFor();
    await expect.poll(() => page.locator('.status').first().textContent()).toBe('Shipped');
    await screenshot(page, 'my-orders');
    await page.getByRole('link', { name: `Order #${orderId}` }).click();
    await page.getByRole('heading', { name: `Order #${orderId}` }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
  });

  it('says when the money is short or a product sold out meanwhile, and a customer cancels a placed order', async () => {
    const piano = await product('Grand Piano Score', '150.00', 2);
    const map = await product('Folding Map', '8.00', 1);
    await signIn(page, origin, 'alice'); // 100.00
    await page.goto(`${origin}/products/${piano.id}`);
    await page.getByRole('button', { name: 'Add Grand Piano Score to the cart' }).click();
    await page.goto(`${origin}/cart`);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page
      .getByText('This account does not hold enough money for the order: choose another, or ask the shop for a top-up.')
      .waitFor();
    await page.getByRole('button', { name: 'Remove' }).click();

    await page.goto(`${origin}/products/${map.id}`);
    await page.getByRole('button', { name: 'Add Folding Map to the cart' }).click();
    await updateProduct(browserShop.db().orm.em.fork(), map.id, { stock: 0 }); // someone else bought it
    await page.goto(`${origin}/cart`);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByText('Folding Map has just sold out: remove it from your cart.').waitFor();
    await screenshot(page, 'cart-sold-out');
    await page.getByRole('button', { name: 'Remove' }).click();

    // A placed order, cancelled by the customer after a confirmation: the money comes back.
    await updateProduct(browserShop.db().orm.em.fork(), map.id, { stock: 1 });
    await page.goto(`${origin}/products/${map.id}`);
    await page.getByRole('button', { name: 'Add Folding Map to the cart' }).click();
    await page.goto(`${origin}/cart`);
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\/\d+$/);
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel order' }).click();
    await page.getByText('Order cancelled: the money is back in your account.').waitFor();
    await expect.poll(() => page.locator('.status').first().textContent()).toBe('Cancelled');
    await page.goto(`${origin}/account`);
    await expect.poll(() => page.getByTestId(`balance-${shop.alice.accountId}`).textContent()).toBe('$100.00');
  });

  it('keeps what a guest put in the cart when they sign in to check out, and not after they sign out', async () => {
    const atlas = await product('Pocket Atlas', '12.00', 4);
    await page.goto(`${origin}/products/${atlas.id}`);
    await page.getByRole('button', { name: 'Add Pocket Atlas to the cart' }).click();
    await expect.poll(cartCount).toBe('1');
    await page.goto(`${origin}/cart`);
    await page.locator('main').getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Username or email').fill('alice');
    await page.getByLabel('Password').fill(PASSWORDS.alice);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/cart$/);
    await page.getByRole('link', { name: 'Pocket Atlas' }).waitFor();
    expect(await cartCount()).toBe('1');
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\/\d+$/);
    await expect.poll(cartCount).toBe('0');
    // Signed out, the browser holds no cart of anyone's.
    await signOut(page, 'alice');
    await expect.poll(cartCount).toBe('0');
  });
});
