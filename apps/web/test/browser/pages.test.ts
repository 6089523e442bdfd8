// What a shopper sees, in a real browser on every dialect: a picture for every product (drawn per category,
// no network), a title per page, money with grouping, and a product page with its details in words, on a
// desktop and on a 375 px phone.
import { createShopClient } from '@shop/client';
import { seedShop as seedDemoShop } from '@shop/client/seed';
import { createProduct } from '@shop/db';
import { testDialect } from '@shop/db/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { fitsWidth, PASSWORDS, screenshot, signIn, useBrowserShop } from './harness.ts';

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

describe('pages a shopper sees', () => {
  it('draws a picture per category on every card, without a single image request', async () => {
    const images: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'image') images.push(request.url());
    });
    await page.goto(`${origin}/?category=${shop.games}`);
    await expect.poll(() => page.locator('.card').count()).toBe(10);
    expect(await page.locator('.card svg.product-image[data-motif="games"]').count()).toBe(10);
    await page.goto(`${origin}/?category=${shop.books}`);
    await expect.poll(() => page.locator('.card svg.product-image[data-motif="books"]').count()).toBe(12);
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      const box = await page.locator('.card svg.product-image').first().boundingBox();
      expect(box?.width, `picture width at ${width} px`).toBeGreaterThan(90);
      expect(await fitsWidth(page), `catalog fits ${width} px`).toBe(true);
    }
    expect(images).toEqual([]);
  });

  it('gives every page its own title', async () => {
    const titles: [string, string][] = [
      ['/', 'Catalog · shop-rpc'],
      ['/sign-in', 'Sign in · shop-rpc'],
      ['/no-such-page', 'Page not found · shop-rpc'],
      ['/products/999999', 'Product not found · shop-rpc'],
    ];
    for (const [path, title] of titles) {
      await page.goto(`${origin}${path}`);
      await expect.poll(() => page.title(), { message: path }).toBe(title);
    }
    await page.getByRole('link', { name: 'Back to the catalog' }).click();
    await page.getByRole('link', { name: 'Novel 03' }).click();
    await expect.poll(() => page.title()).toBe('Novel 03 · shop-rpc');
    await signIn(page, origin, 'admin');
    for (const [link, title] of [
      ['Admin', 'Users · Admin · shop-rpc'],
      ['Categories', 'Categories · Admin · shop-rpc'],
      ['Products', 'Products · Admin · shop-rpc'],
      ['Statistics', 'Statistics · Admin · shop-rpc'],
      ['My account', 'My account · shop-rpc'],
    ]) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await expect.poll(() => page.title(), { message: link }).toBe(title);
    }
  });

  it('shows a product with its picture, grouped price, stock, category and details in words', async () => {
    const product = await createProduct(browserShop.db().orm.em.fork(), {
      name: 'The Quiet Lighthouse',
      description: 'A novel by Grace Hopper, 320 pages in hardcover.',
      price: '1234.50',
      categoryId: shop.books,
      stock: 12,
      metadata: { author: 'Grace Hopper', pages: 320, colour: 'Forest green', weightGrams: 1250, sku: 'BK-000001' },
    });
    await page.goto(`${origin}/?q=lighthouse`);
    await expect.poll(() => page.locator('.card .price').allTextContents()).toEqual(['$1,234.50']);
    await page.getByRole('link', { name: 'The Quiet Lighthouse' }).click();
    await page.waitForURL(`${origin}/products/${product.id}`);
    const article = page.getByRole('article');
    await article.getByRole('heading', { level: 1, name: 'The Quiet Lighthouse' }).waitFor();
    expect(await article.getByRole('img', { name: 'Books: picture to come' }).getAttribute('data-motif')).toBe('books');
    expect(await article.locator('.price').textContent()).toBe('$1,234.50');
    expect(await article.locator('.stock').textContent()).toBe('In stock');
    expect(await article.getByText('A novel by Grace Hopper, 320 pages in hardcover.').count()).toBe(1);
    const details = await article
      .locator('.facts > div')
      .evaluateAll((rows) =>
        rows.map((row) => [row.querySelector('dt')?.textContent, row.querySelector('dd')?.textContent]),
      );
    expect(details).toEqual([
      ['Author', 'Grace Hopper'],
      ['Pages', '320'],
      ['Colour', 'Forest green'],
      ['Weight', '1.25 kg'],
      ['SKU', 'BK-000001'],
    ]);
    await page.setViewportSize({ width: 375, height: 900 });
    expect(await fitsWidth(page)).toBe(true);
    if (shots) await screenshot(page, 'product');
    await article.getByRole('link', { name: 'More in Books' }).click();
    await page.waitForURL(`${origin}/?category=${shop.books}`);
  });

  it('shows the demo shop `pnpm db:seed` creates: names that fit their category, details in words', async () => {
    const anonymous = createShopClient({ url: `${origin}/trpc` });
    const { token } = await anonymous.auth.login.mutate({ identifier: 'admin', password: PASSWORDS.admin });
    const client = createShopClient({ url: `${origin}/trpc`, token });
    await seedDemoShop(client, { users: 0, products: 48, accounts: 0, transfers: 0, seed: 42 });
    const kitchen = (await client.categories.list.query()).find((c) => c.name === 'Kitchen');
    await page.goto(`${origin}/?category=${kitchen?.id}`);
    await expect.poll(() => page.locator('.card').count()).toBe(6);
    const names = await page.locator('.card h2').allTextContents();
    for (const name of names) expect(name).toMatch(/(board|skillet|kettle|knife|press|saucepan|bowls|mill|teapot)$/);
    expect(await page.locator('.card svg[data-motif="kitchen"]').count()).toBe(6);
    await page.goto(`${origin}/?order=price&dir=desc`);
    await expect.poll(() => page.locator('.card').count()).toBe(12);
    expect(await page.getByText(/seed-\d/).count()).toBe(0);
    if (shots) await screenshot(page, 'demo-catalog');
    await page.locator('.card h2 a').first().click();
    await page.getByRole('heading', { name: 'Details' }).waitFor();
    const labels = await page.locator('.facts dt').allTextContents();
    expect(labels.at(-1)).toBe('SKU');
    for (const label of labels) expect(label).toMatch(/^[A-Z][a-z]*( [a-z]+)*$|^SKU$/); // words, not camelCase keys
  });
});
