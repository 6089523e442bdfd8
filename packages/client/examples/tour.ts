// A tour of typed calls against a running API: `pnpm --filter @shop/client example` (API_URL to override).
import { createShopClient, isShopClientError, type RouterOutputs } from '../src/index.ts';

const shop = createShopClient({ url: process.env.API_URL ?? 'http://127.0.0.1:3000/trpc' });

const cheapest = await shop.products.list.query({ orderBy: 'price', direction: 'asc', perPage: 3 });
for (const p of cheapest.items) console.log(`${p.price.padStart(8)}  ${p.name}  [${p.category.name}]`);

// Deep pages: keyset pagination, cost independent of depth.
let page: RouterOutputs['products']['cursorList'] = await shop.products.cursorList.query({
  first: 50,
  orderBy: 'price',
});
let seen = page.items.length;
while (page.nextCursor && seen < 200) {
  page = await shop.products.cursorList.query({ first: 50, orderBy: 'price', after: page.nextCursor });
  seen += page.items.length;
}
console.log(`walked ${seen} products by cursor`);

console.log(await shop.stats.categoryStats.query({ minProducts: 1 }));

// Protected procedures need a session token (Authorization: Bearer): sign up and sign in as a customer.
try {
  await shop.users.list.query({});
} catch (error) {
  if (isShopClientError(error) && error.data?.code === 'UNAUTHORIZED') console.log('users.list needs an admin token');
  else throw error;
}
const username = `tour${Date.now()}`;
await shop.auth.register.mutate({ username, email: `${username}@example.com`, password: 'tour-password-1' });
const { token } = await shop.auth.login.mutate({ identifier: username, password: 'tour-password-1' });
const me = createShopClient({ url: process.env.API_URL ?? 'http://127.0.0.1:3000/trpc', token });
const account = await me.accounts.open.mutate({ ownerId: (await me.auth.me.query()).id });
console.log(`signed in as ${username}; opened account ${account.id} with balance ${account.balance}`);
