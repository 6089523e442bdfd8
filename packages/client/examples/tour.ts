// A tour of typed calls against a running API: `npm run example` from the repository root. API_URL names the
// API (default http://127.0.0.1:3000/trpc, where `npm start` serves it); a failure is one line and exit 1.
import { createShopClient, isShopClientError, normalizeApiUrl, type RouterOutputs } from '@shop/client';

const DEFAULT_URL = 'http://127.0.0.1:3000/trpc';

function stop(line: string): never {
  console.error(line);
  process.exit(1);
}

let url = DEFAULT_URL;
try {
  url = normalizeApiUrl(process.env.API_URL ?? DEFAULT_URL);
} catch (error) {
  stop(`API_URL: ${(error as Error).message}`);
}
const shop = createShopClient({ url });

// One line for what a person can act on: nothing listening, or something that is not the shop's API.
try {
  await shop.health.live.query();
} catch (error) {
  if (isShopClientError(error) && error.cause instanceof TypeError) {
    stop(
      process.env.API_URL
        ? `nothing answers at ${url} (API_URL): start the shop there (\`npm start\`; PORT for another port), or correct API_URL`
        : `nothing answers at ${url}: start the shop with \`npm start\`, or set API_URL=http://HOST:PORT/trpc`,
    );
  }
  stop(`${url} does not answer as the shop's API (${(error as Error).message}); set API_URL to the API's /trpc URL`);
}

async function tour() {
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
  const me = createShopClient({ url, token });
  const account = await me.accounts.open.mutate({ ownerId: (await me.auth.me.query()).id });
  console.log(`signed in as ${username}; opened account ${account.id} with balance ${account.balance}`);
}

try {
  await tour();
} catch (error) {
  // e.g. TOO_MANY_REQUESTS from auth.register: sign-ups per address are limited per hour.
  if (isShopClientError(error)) stop(`${error.data?.path ?? 'a call'} failed: ${error.message} (${error.data?.code})`);
  throw error;
}
