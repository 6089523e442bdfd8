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

try {
  await shop.users.create.mutate({ username: 'user00001', email: 'someone@example.com' });
} catch (error) {
  if (isShopClientError(error) && error.data?.code === 'CONFLICT')
    console.log(`conflict on ${error.data.domain?.field}`);
  else throw error;
}
