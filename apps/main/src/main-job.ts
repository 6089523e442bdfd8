// The workspace's main job (`npm start`): build the web app if its build is missing or stale, migrate the
// database, serve the API and the web app, and when the database is empty create the admin and seed it
// through the client; then print where to go. Ctrl-C stops it.
import { randomBytes } from 'node:crypto';
import { stopOnSignals } from '@shop/api/cluster';
import { startApi } from '@shop/api/start';
import { createShopClient } from '@shop/client';
import { seedShop } from '@shop/client/seed';
import { ensureAdmin } from '@shop/db';
import { ensureWebBuild } from '@shop/web/build';

const say = (line: string) => console.error(line);

try {
  const webRoot = await ensureWebBuild(say);
  const api = await startApi({ migrate: true, webRoot });
  stopOnSignals(api);
  const anonymous = createShopClient({ url: api.url });
  const categories = await anonymous.categories.list.query();
  let adminLine = 'the admin created earlier (pnpm db:create-admin adds one or resets its password)';
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
    say('[main] empty database: seeding it through the API as the admin…');
    const report = await seedShop(createShopClient({ url: api.url, token }), {
      users: 50,
      products: 300,
      accounts: 20,
      transfers: 40,
      seed: 42,
    });
    say(`[main] seeded in ${(report.elapsedMs / 1000).toFixed(1)}s: ${JSON.stringify(report.created)}`);
    adminLine = `${username} / ${generated ? `${password}  (generated now; shown once)` : '$SHOP_ADMIN_PASSWORD'}`;
  }
  const products = await anonymous.products.list.query({ perPage: 1 });
  const web = api.url.replace(/\/trpc$/, '/');
  console.log(`
shop-rpc is ready  (${api.database}, ${products.total}${products.totalIsExact ? '' : '+'} products)

  Open the shop:   ${web}
  Admin sign-in:   ${adminLine}
  Typed API:       ${api.url}   (createShopClient from @shop/client; example: pnpm --filter @shop/client example)
  REST + docs:     ${web}api/docs   (OpenAPI document: ${web}api/openapi.json)
  With curl:       curl '${web}api/products?per_page=5'

Ctrl-C stops it.
`);
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
