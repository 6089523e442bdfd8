// The workspace's main job (`npm start`): migrate the database, serve the API, seed it through the
// client when it is empty, print how to call it. Ctrl-C stops it gracefully.
import { startApi, stopOnSignals } from '@shop/api/start';
import { createShopClient } from '../src/index.ts';
import { seedShop } from './seed.ts';

try {
  const api = await startApi({ migrate: true });
  stopOnSignals(api);
  const client = createShopClient({ url: api.url });
  const counts = await client.stats.counts.query();
  if (counts.products === 0 && counts.users === 0) {
    console.error('[main] empty database: seeding it through the API…');
    const report = await seedShop(client, { users: 50, products: 300, accounts: 20, transfers: 40, seed: 42 });
    console.error(`[main] seeded in ${(report.elapsedMs / 1000).toFixed(1)}s: ${JSON.stringify(report.created)}`);
  }
  const now = await client.stats.counts.query();
  console.log(`
shop-rpc API ready at ${api.url}  (${api.database})
  ${now.users} users, ${now.products} products, ${now.categories} categories. Ctrl-C stops it.

Try it (typed, from TypeScript; see packages/client/examples/tour.ts, run: pnpm --filter @shop/client example):
  const shop = createShopClient({ url: '${api.url}' });
  await shop.products.list.query({ orderBy: 'price', direction: 'desc', perPage: 5 });
  await shop.users.search.query({ username: 'user0000', perPage: 3 });
  await shop.stats.categoryStats.query({ minProducts: 10 });

or with curl:
  curl '${api.url}/stats.counts'
`);
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
