// Sessions and the account page in a real browser, on every dialect: register, sign out (the token is revoked
// on the server), a token revoked elsewhere, profile and ledger pages, transfers whose answer was lost, a
// recipient found by username, amounts refused in words, and every admin page refused to a customer.
import { openAccount, transferFunds } from '@shop/db';
import { beforeEach, describe, expect, it } from 'vitest';
import { signIn, useBrowserShop } from './harness.ts';

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

const tokenInPage = () => page.evaluate(() => window.sessionStorage.getItem('shop.token'));
/** What the API says of a token now: 200 for a live session, 401 for a revoked one. */
const meStatus = async (token: string) =>
  (await fetch(`${origin}/trpc/auth.me`, { headers: { authorization: `Bearer ${token}` } })).status;
const balanceOf = (accountId: number) => page.getByTestId(`balance-${accountId}`);
const sendMoney = async (to: number, amount: string) => {
  await page.getByLabel('To account number').fill(String(to));
  await page.getByLabel('Amount').fill(amount);
  await page.getByRole('button', { name: 'Send money' }).click();
};

describe('sessions and accounts in a browser', () => {
  it('registers, lands on the account page signed in, and signing out revokes the token on the server', async () => {
    await page.goto(`${origin}/sign-in`);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Username').fill('newbie');
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password').fill('newbie-password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.locator('#email-error').count()).toBe(1);
    await page.getByLabel('Email').fill('newbie@example.com');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: 'Sign out (newbie)' }).waitFor();
    await page.waitForURL(/\/account$/);
    const token = await tokenInPage();
    expect(token).toBeTruthy();
    expect(await meStatus(token!)).toBe(200);

    await page.getByRole('button', { name: 'Sign out (newbie)' }).click();
    await page.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
    expect(await tokenInPage()).toBeNull();
    expect(await meStatus(token!)).toBe(401);
  });

  it('signs the page out when its token is revoked elsewhere, and brings the user back after signing in', async () => {
    await signIn(page, origin, 'alice');
    await page.goto(`${origin}/account`);
    await expect.poll(() => balanceOf(shop.alice.accountId).textContent()).toBe('$100.00');
    // The ledger is read once the accounts are shown: revoking before its answer came back made that read the
    // 401 that signs the page out, before the transfer below (a CI run waited 30 s for the gone form).
    await page.getByRole('heading', { name: `Ledger of account #${shop.alice.accountId}` }).waitFor();
    const token = (await tokenInPage())!;
    const revoked = await fetch(`${origin}/trpc/auth.logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(revoked.status).toBe(200);

    await sendMoney(shop.bob.accountId, '1.00'); // answered 401: the page forgets the token
    await page.waitForURL(/\/sign-in\?next=%2Faccount$/);
    await signIn(page, origin, 'alice');
    await page.waitForURL(/\/account$/);
    await expect.poll(() => balanceOf(shop.alice.accountId).textContent()).toBe('$100.00');
  });

  it('saves the profile, and pages through a ledger longer than a page', async () => {
    const em = () => browserShop.db().orm.em.fork();
    for (let i = 0; i < 12; i++) {
      await transferFunds(
        em(),
        {
          fromAccountId: shop.alice.accountId,
          toAccountId: shop.bob.accountId,
          amount: '1.00',
        },
        'any',
      );
    }
    await signIn(page, origin, 'alice');
    await page.goto(`${origin}/account`);
    await page.getByLabel('First name').fill('Alice');
    await page.getByLabel('Bio').fill('Reads a lot.');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved.').waitFor();
    await page.reload();
    await expect.poll(() => page.getByLabel('First name').inputValue()).toBe('Alice');
    expect(await page.getByLabel('Bio').inputValue()).toBe('Reads a lot.');

    await expect.poll(() => balanceOf(shop.alice.accountId).textContent()).toBe('$88.00');
    await expect.poll(() => page.locator('.ledger tbody tr').count()).toBe(10);
    const ledgerPages = page.getByRole('navigation', { name: 'Ledger pages' });
    await ledgerPages.getByText('Page 1 of 2').waitFor();
    await ledgerPages.getByRole('button', { name: 'Next' }).click();
    // 12 transfers and the opening top-up.
    await expect.poll(() => page.locator('.ledger tbody tr').count()).toBe(3);
    await page.getByRole('cell', { name: 'Top-up by the shop: opening deposit' }).waitFor();
    await ledgerPages.getByText('Page 2 of 2').waitFor();
  });

  it('moves money once when a transfer whose answer was lost is sent again, and a changed transfer is a new one', async () => {
    await signIn(page, origin, 'alice');
    await page.goto(`${origin}/account`);
    await expect.poll(() => balanceOf(shop.alice.accountId).textContent()).toBe('$100.00');
    // The request reaches the API and is carried out; its answer never reaches the page.
    const loseNextAnswer = () =>
      page.route(
        '**/trpc/accounts.transfer**',
        async (route) => {
          await route.fetch();
          await route.abort('connectionreset');
        },
        { times: 1 },
      );

    await loseNextAnswer();
    await sendMoney(shop.bob.accountId, '12.50');
    await page.getByText('The shop cannot be reached.').waitFor();
    await page.getByRole('button', { name: 'Send money' }).click(); // the same transfer again
    await page.getByText(`Moved $12.50 to account #${shop.bob.accountId}.`).waitFor();
    await expect.poll(() => balanceOf(shop.alice.accountId).textContent()).toBe('$87.50');
    await expect.poll(() => page.locator('.ledger tbody tr').count()).toBe(2); // and the opening top-up

    await loseNextAnswer();
    await sendMoney(shop.bob.accountId, '1.00');
    await page.getByText('The shop cannot be reached.').waitFor();
    await page.getByLabel('Amount').fill('2.50'); // another transfer now: it must not reuse the key
    await page.getByRole('button', { name: 'Send money' }).click();
    await page.getByText(`Moved $2.50 to account #${shop.bob.accountId}.`).waitFor();
    await expect.poll(() => balanceOf(shop.alice.accountId).textContent()).toBe('$84.00');
    await expect.poll(() => page.locator('.ledger tbody tr').count()).toBe(4);
  });
});

describe('transfers in a person’s words', () => {
  it('finds the recipient by username (an admin here), and says which user has no such name', async () => {
    const adminAccount = await openAccount(browserShop.db().orm.em.fork(), shop.admin.id, '50.00', 'any');
    await signIn(page, origin, 'admin');
    await page.goto(`${origin}/account`);
    await expect.poll(() => balanceOf(adminAccount.id).textContent()).toBe('$50.00');
    await page.getByLabel('Recipient username').fill('nobody-here');
    await page.getByRole('status').filter({ hasText: 'No user is called “nobody-here”.' }).waitFor();
    await page.getByLabel('Recipient username').fill('bob');
    await page
      .getByRole('status')
      .filter({ hasText: `Sending to bob, account #${shop.bob.accountId}.` })
      .waitFor();
    expect(await page.getByLabel('To account number').inputValue()).toBe(String(shop.bob.accountId));
    await page.getByLabel('Amount').fill('5.00');
    await page.getByRole('button', { name: 'Send money' }).click();
    await page.getByText(`Moved $5.00 to account #${shop.bob.accountId}.`).waitFor();
    await expect.poll(() => balanceOf(adminAccount.id).textContent()).toBe('$45.00');
  });

  it('tells a customer to enter an amount like 12.50, and lets them pay someone by username too', async () => {
    await signIn(page, origin, 'alice');
    await page.goto(`${origin}/account`);
    await expect.poll(() => page.title()).toBe('My account · shop-rpc');
    await page.getByLabel('Recipient username').fill('bob');
    await page
      .getByRole('status')
      .filter({ hasText: `Sending to bob, account #${shop.bob.accountId}.` })
      .waitFor();
    await page.getByLabel('Recipient username').fill('');
    for (const amount of ['12,50', '0', 'ten']) {
      await sendMoney(shop.bob.accountId, amount);
      await expect.poll(() => page.locator('#amount-error').textContent()).toBe('Enter an amount like 12.50');
      // The message and the attribute come from the same render, but the poll above may see the text first.
      await expect.poll(() => page.getByLabel('Amount').getAttribute('aria-invalid')).toBe('true');
    }
    await sendMoney(999_999, '1.00');
    await expect.poll(() => page.locator('#to-error').textContent()).toBe('No account has this number');
    await sendMoney(shop.alice.accountId, '1.00');
    await expect
      .poll(() => page.locator('#to-error').textContent())
      .toBe('Choose an account other than the one you send from');
    expect(await page.getByText(/Too small|expected|decimal string/).count()).toBe(0);
    await expect.poll(() => balanceOf(shop.alice.accountId).textContent()).toBe('$100.00');
  });
});

/** The idempotency keys of every transfer request the page sends from now on. */
function transferKeys(): string[] {
  const keys: string[] = [];
  page.on('request', (request) => {
    if (!request.url().includes('/trpc/accounts.transfer')) return;
    const body = JSON.parse(request.postData() ?? '{}') as Record<string, { json?: { idempotencyKey?: string } }>;
    for (const call of Object.values(body)) if (call.json?.idempotencyKey) keys.push(call.json.idempotencyKey);
  });
  return keys;
}

describe('idempotency keys in a browser', () => {
  it('sends one key for a double click, and the same key for a transfer edited back after a lost answer', async () => {
    await signIn(page, origin, 'alice');
    await page.goto(`${origin}/account`);
    await expect.poll(() => balanceOf(shop.alice.accountId).textContent()).toBe('$100.00');
    const keys = transferKeys();
    await page.getByLabel('To account number').fill(String(shop.bob.accountId));
    await page.getByLabel('Amount').fill('1.00');
    await page.getByRole('button', { name: 'Send money' }).dblclick();
    await expect.poll(() => balanceOf(shop.alice.accountId).textContent()).toBe('$99.00');
    expect(new Set(keys).size).toBe(1);

    await page.route(
      '**/trpc/accounts.transfer**',
      async (route) => {
        await route.fetch();
        await route.abort('connectionreset');
      },
      { times: 1 },
    );
    await sendMoney(shop.bob.accountId, '2.00');
    await page.getByText('The shop cannot be reached.').waitFor();
    await page.getByLabel('Amount').fill('3.00');
    await page.getByLabel('Amount').fill('2.00'); // the same transfer after all
    await page.getByRole('button', { name: 'Send money' }).click();
    await page.getByText(`Moved $2.00 to account #${shop.bob.accountId}.`).waitFor();
    await expect.poll(() => balanceOf(shop.alice.accountId).textContent()).toBe('$97.00');
    expect(keys.slice(-2)[0]).toBe(keys.slice(-2)[1]);
    expect(new Set(keys).size).toBe(2);
  });
});

describe('admin pages refused in a browser', () => {
  it('refuses every admin page to a customer, and says so for a product that does not exist', async () => {
    await signIn(page, origin, 'bob');
    for (const path of ['users', 'categories', 'products', 'stats']) {
      await page.goto(`${origin}/admin/${path}`);
      await page.getByText('Admin only: your account cannot open this page.').waitFor();
    }
    await page.goto(`${origin}/products/999999`);
    await page.getByText(/^Not found/).waitFor();
  });
});
