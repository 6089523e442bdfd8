// The workspace's main job (`npm start`): migrate the database, serve the API, and when the database is
// empty create the admin and seed it through the client; then print how to call it. Ctrl-C stops it.
import { randomBytes } from 'node:crypto';
import { startApi, stopOnSignals } from '@shop/api/start';
import { ensureAdmin } from '@shop/db';
import { createShopClient } from '../src/index.ts';
import { seedShop } from './seed.ts';

try {
  const api = await startApi({ migrate: true });
  stopOnSignals(api);
  const anonymous = createShopClient({ url: api.url });
  const categories = await anonymous.categories.list.query();
  let adminLine = 'admin: the one created earlier (pnpm db:create-admin to add or reset one)';
  if (categories.length === 0) {
    const username = process.env.SHOP_ADMIN_USERNAME ?? 'admin';
    const generated = !process.env.SHOP_ADMIN_PASSWORD;
    const password = process.env.SHOP_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
    await ensureAdmin(api.orm.em.fork(), {
      username,
      email: `${username}@shop.example`,
      password,
      resetPassword: true,
    });
    const { token } = await anonymous.auth.login.mutate({ identifier: username, password });
    console.error('[main] empty database: seeding it through the API as the admin…');
    const report = await seedShop(createShopClient({ url: api.url, token }), {
      users: 50,
      products: 300,
      accounts: 20,
      transfers: 40,
      seed: 42,
    });
    console.error(`[main] seeded in ${(report.elapsedMs / 1000).toFixed(1)}s: ${JSON.stringify(report.created)}`);
    adminLine = `admin: ${username} / ${generated ? `${password}  (generated now; shown once)` : '$SHOP_ADMIN_PASSWORD'}`;
  }
  const products = await anonymous.products.list.query({ perPage: 1 });
  console.log(`
shop-rpc API ready at ${api.url}  (${api.database})
  ${products.total}${products.totalIsExact ? '' : '+'} products. ${adminLine}
  Ctrl-C stops it.

Typed calls (see packages/client/examples/tour.ts; run: pnpm --filter @shop/client example):
  const shop = createShopClient({ url: '${api.url}' });
  await shop.products.list.query({ orderBy: 'price', direction: 'desc', perPage: 5 });
  const { token } = await shop.auth.login.mutate({ identifier: 'admin', password: '…' });
  await createShopClient({ url: '${api.url}', token }).stats.counts.query();

or with curl:
  curl '${api.url}/stats.categoryStats'
`);
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
