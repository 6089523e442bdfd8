// The workloads: real tRPC requests (random ids, random accounts), each with a short name for --profile,
// the label of its table row, and whether it needs the admin's token.
import { batchQuery, type LoadRequest, mutation, query } from './load.ts';

export interface Workload {
  /** Short name, used by `--profile` and in results JSON. */
  key: string;
  /** The row of the report. */
  label: string;
  next: () => LoadRequest;
  auth: boolean;
  /** tRPC calls per HTTP request (batched workloads). */
  calls: number;
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
export const BATCH = 'products.byId.batch';
export const MIX = 'mix';

/** The main table, in order (the batched workload is reported on its own; the mix runs its parts side by side). */
export const TABLE_KEYS = [
  LIVE,
  BY_ID,
  FIRST_PAGE,
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
/** Everything else is a read, held to the tail-latency target (p99 ≤ 5 × p50). */
export const WRITE_KEYS: readonly string[] = ['users.create', 'accounts.transfer', 'orders.checkout'];
/** What the raw node:http baseline answers (same paths, same JSON). */
export const BASELINE_KEYS = [LIVE, BY_ID, FIRST_PAGE] as const;
/** Compared between API_WORKERS=1 and API_WORKERS=2. */
export const WORKER_KEYS = [LIVE, BY_ID, FIRST_PAGE] as const;

const randomInt = (max: number) => 1 + Math.floor(Math.random() * max);

export function buildWorkloads(ctx: WorkloadContext): Map<string, Workload> {
  let serial = 0;
  const account = () => ctx.accountIds[Math.floor(Math.random() * ctx.accountIds.length)] as number;
  const byId = () => query('products.byId', { id: randomInt(ctx.products) });
  const list: Omit<Workload, 'calls'>[] = [
    { key: LIVE, label: 'health.live (tRPC floor)', next: () => query('health.live', undefined), auth: false },
    { key: BY_ID, label: 'products.byId', next: byId, auth: false },
    {
      key: FIRST_PAGE,
      label: 'products.list (page 1, with category)',
      next: () => query('products.list', {}),
      auth: false,
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
