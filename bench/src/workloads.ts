// The workloads: real tRPC requests (random ids, random accounts), each with a short name for --profile,
// the label of its table row, and whether it needs the admin's token. Those REST serves too have a twin: the
// same procedure with the same input over /api, run beside it so /trpc ÷ /api compares like with like.
import { batchQuery, type LoadRequest, mutation, query, rest } from './load.ts';

export interface Workload {
  /** Short name, used by `--profile` and in results JSON. */
  key: string;
  /** The row of the report. */
  label: string;
  next: () => LoadRequest;
  auth: boolean;
  /** tRPC calls per HTTP request (batched workloads). */
  calls: number;
  /** The same procedure and input over REST, where /api serves it (plain JSON instead of superjson's envelope). */
  rest?: { label: string; next: () => LoadRequest };
}

export interface WorkloadContext {
  products: number;
  accountIds: number[];
  /** The admin's own account, which pays for the checkout workload's orders. */
  buyerAccountId: number;
  /** The page (20 per page) of the deep offset workload, and the cursor that starts the same page. */
  deepPage: number;
  deepCursor: string;
}

/** Calls per batched request; the API's maxBatchSize is 20. */
export const BATCH_SIZE = 10;

export const LIVE = 'health.live';
export const BY_ID = 'products.byId';
export const FIRST_PAGE = 'products.list';
/** Page 3 of 20 per page: the page the issue measures (an offset, still a shallow one). */
export const PAGE_3 = 'products.list.page3';
export const BATCH = 'products.byId.batch';
export const MIX = 'mix';

/** The main table, in order (the batched workload is reported on its own; the mix runs its parts side by side). */
export const TABLE_KEYS = [
  LIVE,
  BY_ID,
  FIRST_PAGE,
  PAGE_3,
  'products.list.offset',
  'products.cursorList',
  'users.search',
  'users.create',
  'accounts.transfer',
  'orders.checkout',
] as const;
export const WORKLOAD_KEYS = [...TABLE_KEYS, BATCH, MIX] as const;
/** The parts of the mix, run side by side. */
export const MIX_PARTS = [BY_ID, FIRST_PAGE, 'users.search', 'accounts.transfer'] as const;
/** The workloads with a REST twin (held to /trpc ≥ 90 % of /api). */
export const TWIN_KEYS = [BY_ID, FIRST_PAGE, PAGE_3] as const;
/** Everything else is a read, held to the tail-latency target (p99 ≤ 5 × p50). */
export const WRITE_KEYS: readonly string[] = ['users.create', 'accounts.transfer', 'orders.checkout'];
/** What the raw node:http baseline answers (same paths, same JSON). */
export const BASELINE_KEYS = [LIVE, BY_ID, FIRST_PAGE, PAGE_3] as const;
/** Compared between API_WORKERS=1 and API_WORKERS=2. */
export const WORKER_KEYS = [LIVE, BY_ID, FIRST_PAGE] as const;

const randomInt = (max: number) => 1 + Math.floor(Math.random() * max);

/** One product by id, over tRPC and over REST: the same procedure, the same input. */
export const byIdOver = {
  trpc: (id: number) => query('products.byId', { id }),
  rest: (id: number) => rest(`/products/${id}`),
};
/** A page of products.list, 20 per page (page 1 asked for with the defaults, no input fields). */
export const pageOver = {
  trpc: (page: number) => query('products.list', page === 1 ? {} : { page, perPage: 20 }),
  rest: (page: number) => rest(page === 1 ? '/products' : `/products?page=${page}&perPage=20`),
};

/**
 * The twinned reads over /trpc, by key: their row's label and the next request. The main tables and the
 * comparison across dialects (cross-dialect.ts) make the same requests under the same labels.
 */
export const twinReads = (products: number) => ({
  [BY_ID]: { label: 'products.byId', next: () => byIdOver.trpc(randomInt(products)) },
  [FIRST_PAGE]: { label: 'products.list (page 1, with category)', next: () => pageOver.trpc(1) },
  [PAGE_3]: { label: 'products.list (page 3 of 20 per page)', next: () => pageOver.trpc(3) },
});

export function buildWorkloads(ctx: WorkloadContext): Map<string, Workload> {
  const twins = twinReads(ctx.products);
  let serial = 0;
  const account = () => ctx.accountIds[Math.floor(Math.random() * ctx.accountIds.length)] as number;
  const list: Omit<Workload, 'calls'>[] = [
    { key: LIVE, label: 'health.live (tRPC floor)', next: () => query('health.live', undefined), auth: false },
    {
      key: BY_ID,
      ...twins[BY_ID],
      auth: false,
      rest: { label: 'GET /api/products/{id}', next: () => byIdOver.rest(randomInt(ctx.products)) },
    },
    {
      key: FIRST_PAGE,
      ...twins[FIRST_PAGE],
      auth: false,
      rest: { label: 'GET /api/products', next: () => pageOver.rest(1) },
    },
    {
      key: PAGE_3,
      ...twins[PAGE_3],
      auth: false,
      rest: { label: 'GET /api/products?page=3&perPage=20', next: () => pageOver.rest(3) },
    },
    {
      key: 'products.list.offset',
      label: `products.list (offset page ${ctx.deepPage})`,
      next: () => query('products.list', { page: ctx.deepPage }),
      auth: false,
    },
    {
      key: 'products.cursorList',
      label: 'products.cursorList (same depth)',
      next: () => query('products.cursorList', { after: ctx.deepCursor }),
      auth: false,
    },
    {
      key: 'users.search',
      label: 'users.search',
      next: () => query('users.search', { username: `ch${randomInt(99)}` }),
      auth: true,
    },
    {
      key: 'users.create',
      label: 'users.create',
      next: () => {
        serial += 1;
        return mutation('users.create', {
          username: `load${process.pid}x${serial}`,
          email: `load${serial}x${process.pid}@example.com`,
        });
      },
      auth: true,
    },
    {
      key: 'accounts.transfer',
      label: 'accounts.transfer',
      next: () => {
        const from = account();
        let to = account();
        if (to === from) to = ctx.accountIds[(ctx.accountIds.indexOf(from) + 1) % ctx.accountIds.length] as number;
        return mutation('accounts.transfer', { fromAccountId: from, toAccountId: to, amount: '0.01' });
      },
      auth: true,
    },
    {
      // A whole checkout: a unit of a random product taken from its stock, priced, paid into the revenue
      // account, the order and its line written; every request a new idempotency key.
      key: 'orders.checkout',
      label: 'orders.checkout (1 unit, paid)',
      next: () => {
        serial += 1;
        return mutation('orders.checkout', {
          accountId: ctx.buyerAccountId,
          lines: [{ productId: randomInt(ctx.products), quantity: 1 }],
          idempotencyKey: `bench-${process.pid}-${serial}`,
        });
      },
      auth: true,
    },
  ];
  const workloads = new Map<string, Workload>(list.map((w) => [w.key, { ...w, calls: 1 }]));
  workloads.set(BATCH, {
    key: BATCH,
    label: `products.byId × ${BATCH_SIZE}, batched (httpBatchLink GET)`,
    next: () =>
      batchQuery(
        'products.byId',
        Array.from({ length: BATCH_SIZE }, () => ({ id: randomInt(ctx.products) })),
      ),
    auth: false,
    calls: BATCH_SIZE,
  });
  return workloads;
}

export function workload(workloads: Map<string, Workload>, key: string): Workload {
  const found = workloads.get(key);
  if (!found) throw new Error(`unknown workload ${key}`);
  return found;
}
