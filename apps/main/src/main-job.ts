// The workspace's main job (`npm start`): build the web app if its build is missing or stale, migrate the
// database, serve the API and the web app, seed the sample shop through the client until it is complete (a start
// stopped mid-seed is completed by the next one), then print where to go. Ctrl-C stops it.
import { randomBytes } from 'node:crypto';
import { stopOnSignals } from '@shop/api/cluster';
import { type RunningApi, startApi } from '@shop/api/start';
import { createShopClient } from '@shop/client';
import { seedShop } from '@shop/client/seed';
import { ensureAdmin, getUserByUsername, NotFoundError, openSession, type UserView } from '@shop/db';
import { ensureWebBuild } from '@shop/web/build';

const SAMPLE_SHOP = { users: 50, products: 300, accounts: 20, transfers: 40, seed: 42 };
const RESET_PASSWORD = 'npm run db:create-admin -- --reset-password';
// The admin the job seeds with gets this profile once the seed is complete: the mark that it is. A start
// stopped before then (Ctrl-C, a crash) leaves no mark, so the next start runs the seed again, which
// completes what exists and creates nothing twice.
const SEEDED_PROFILE = { firstName: 'Shop', lastName: 'Admin', bio: 'Seeded the sample shop (npm start).' };

const say = (line: string) => console.error(line);
/** Ctrl-C (or SIGTERM) arrived: stopOnSignals is stopping the API. */
let stopping = false;

interface SampleShopAdmin {
  user: UserView;
  /** Just created by this start. */
  created: boolean;
  /** The sample shop was completed by an earlier start. */
  seeded: boolean;
  /** The banner's sign-in line. */
  signIn: string;
}

/** The admin the job seeds as (created when missing), and whether the sample shop is complete. */
async function sampleShopAdmin(api: RunningApi): Promise<SampleShopAdmin> {
  const username = process.env.SHOP_ADMIN_USERNAME ?? 'admin';
  const fromEnv = process.env.SHOP_ADMIN_PASSWORD;
  const existing = await getUserByUsername(api.orm.em.fork(), username).catch((error: unknown) => {
    if (error instanceof NotFoundError) return null;
    throw error;
  });
  const seeded = existing?.roles.includes('admin') === true && existing.profile !== null;
  const earlier = `${username}, with the password shown when it was created (lost it? ${RESET_PASSWORD})`;
  if (existing && seeded && !fromEnv) return { user: existing, created: false, seeded, signIn: earlier };
  // SHOP_ADMIN_PASSWORD is the admin's password at every start; otherwise a new admin gets a generated one.
  const password = fromEnv ?? randomBytes(12).toString('base64url');
  const { user, created } = await ensureAdmin(api.orm.em.fork(), {
    username,
    email: `${username}@shop.example`,
    password,
    resetPassword: fromEnv !== undefined,
  });
  if (fromEnv) return { user, created, seeded, signIn: `${username} / $SHOP_ADMIN_PASSWORD` };
  if (!created) return { user, created, seeded, signIn: earlier };
  // Shown at once: a start stopped before the banner must not lose it.
  say(`[main] created the admin: ${username} / ${password}  (generated; shown now and in the banner only)`);
  return {
    user,
    created,
    seeded,
    signIn: `${username} / ${password}  (generated now; to change it: ${RESET_PASSWORD})`,
  };
}

try {
  const webRoot = await ensureWebBuild(say);
  const api = await startApi({ migrate: true, webRoot });
  stopOnSignals(api);
  let seeding = false;
  const onStop = () => {
    if (seeding) say('[main] stopped while seeding: the next npm start completes the sample shop');
    stopping = true;
  };
  process.once('SIGINT', onStop);
  process.once('SIGTERM', onStop);
  const admin = await sampleShopAdmin(api);
  if (!admin.seeded) {
    seeding = true;
    say(
      admin.created
        ? '[main] seeding the sample shop through the API as the admin…'
        : '[main] completing the sample shop through the API as the admin (what exists is kept)…',
    );
    // Signed in by a session opened for the admin: its password may be one an earlier start showed.
    const { token } = await openSession(api.orm.em.fork(), admin.user.id);
    const client = createShopClient({ url: api.url, token });
    // The seed's ~100 requests would each log a line: its progress lines say enough (warnings still show).
    const level = api.log.level;
    api.log.level = 'warn';
    const report = await seedShop(client, { ...SAMPLE_SHOP, onProgress: (line) => say(`[seed] ${line}`) });
    await client.profiles.upsert.mutate({ userId: admin.user.id, ...SEEDED_PROFILE });
    api.log.level = level;
    seeding = false;
    await client.auth.logout.mutate();
    say(`[main] seeded in ${(report.elapsedMs / 1000).toFixed(1)}s: created ${JSON.stringify(report.created)}`);
  }
  const products = await createShopClient({ url: api.url }).products.list.query({ perPage: 1 });
  const web = api.url.replace(/\/trpc$/, '/');
  console.log(`
shop-rpc is ready  (${api.database}, ${products.total}${products.totalIsExact ? '' : '+'} products)

  Open the shop:   ${web}
  Admin sign-in:   ${admin.signIn}
  Typed API:       ${api.url}   (createShopClient from @shop/client; example: npm run example)
  REST + docs:     ${web}api/docs   (OpenAPI document: ${web}api/openapi.json)
  With curl:       curl '${web}api/products?per_page=5'

Ctrl-C stops it.
`);
} catch (error) {
  // After Ctrl-C the API closes under the seed's calls: their errors are the stop, not a failure to report.
  if (!stopping) {
    console.error(`error: ${(error as Error).message}`);
    process.exit(1);
  }
}
