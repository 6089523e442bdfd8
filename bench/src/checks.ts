// One-off checks that keep the numbers meaningful: a batched request really answers every call (200, not
// 207/400/404), the raw baseline answers the same JSON as the API and a REST twin the same value as its tRPC
// call (else the comparison is unfair), and no checkout sells more than there is when every connection buys
// the same scarce product at once.
import { isDeepStrictEqual } from 'node:util';
import { type LoadRequest, mutation } from './load.ts';

async function get(origin: string, request: LoadRequest) {
  const response = await fetch(`${origin}${request.path}`, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** The batch answers 200 with one successful result per call. */
export async function checkBatch(origin: string, request: LoadRequest, calls: number): Promise<string> {
  const { status, text, json } = await get(origin, request);
  const results = Array.isArray(json) ? json : [];
  const ok = results.filter((r) => (r as { result?: { data?: unknown } }).result?.data !== undefined).length;
  const what = `batched GET of ${calls} products.byId calls (${request.path.length} characters of path)`;
  if (status === 200 && results.length === calls && ok === calls) {
    return `ok: ${what} answered 200 with ${calls} results`;
  }
  return `FAILED: ${what} answered ${status} with ${results.length} results (${ok} successful): ${text.slice(0, 300)}`;
}

/** The baseline's answer to `request` equals the API's (parsed JSON, key order ignored). */
export async function checkSameAnswer(
  label: string,
  apiOrigin: string,
  baselineOrigin: string,
  request: LoadRequest,
): Promise<string> {
  const [api, raw] = await Promise.all([get(apiOrigin, request), get(baselineOrigin, request)]);
  if (api.status === 200 && raw.status === 200 && isDeepStrictEqual(api.json, raw.json)) {
    const bytes = `${Buffer.byteLength(api.text)} vs ${Buffer.byteLength(raw.text)} bytes`;
    return `ok: the raw baseline answers ${label} with the same JSON as the API (${bytes})`;
  }
  return (
    `FAILED: the raw baseline's ${label} differs from the API's (statuses ${api.status} / ${raw.status}); ` +
    `API: ${api.text.slice(0, 300)} … baseline: ${raw.text.slice(0, 300)}`
  );
}

/**
 * The REST twin answers what its tRPC call answers: the REST body (plain JSON) equals the `json` of tRPC's
 * superjson envelope (`result.data.json`; the envelope's Date markers are what REST leaves out).
 */
export async function checkRestTwin(
  label: string,
  origin: string,
  trpc: LoadRequest,
  rest: LoadRequest,
): Promise<string> {
  const [viaTrpc, viaRest] = await Promise.all([get(origin, trpc), get(origin, rest)]);
  const value = (viaTrpc.json as { result?: { data?: { json?: unknown } } } | undefined)?.result?.data?.json;
  if (
    viaTrpc.status === 200 &&
    viaRest.status === 200 &&
    value !== undefined &&
    isDeepStrictEqual(value, viaRest.json)
  ) {
    const bytes = `${Buffer.byteLength(viaTrpc.text)} bytes over /trpc, ${Buffer.byteLength(viaRest.text)} over /api`;
    return `ok: ${label} answers the same value over /trpc and /api (${bytes})`;
  }
  return (
    `FAILED: ${label} answers differently over /trpc and /api (statuses ${viaTrpc.status} / ${viaRest.status}); ` +
    `/trpc: ${viaTrpc.text.slice(0, 300)} … /api: ${viaRest.text.slice(0, 300)}`
  );
}

/**
 * The oversell check under load: `connections` clients send `requests` checkouts of one unit each of a
 * product with `stock` units, at once. Exactly `stock` must be sold, the rest refused as OUT_OF_STOCK (422),
 * nothing else; the product's stock ends at 0; the revenue account gains exactly the sold orders' totals.
 */
export async function checkNoOversell(o: {
  origin: string;
  token: string;
  db: { execute(sql: string): Promise<Record<string, unknown>[]> };
  productId: number;
  price: string;
  stock: number;
  accountId: number;
  requests: number;
  connections: number;
}): Promise<string> {
  const revenue = async () =>
    Number((await o.db.execute("select balance from accounts where system_key = 'revenue'"))[0]?.balance ?? 0);
  const before = await revenue();
  const statuses: Record<string, number> = {};
  let sent = 0;
  const client = async () => {
    while (sent < o.requests) {
      const n = sent++;
      const request = mutation('orders.checkout', {
        accountId: o.accountId,
        lines: [{ productId: o.productId, quantity: 1 }],
        idempotencyKey: `oversell-${process.pid}-${n}`,
      });
      const response = await fetch(`${o.origin}${request.path}`, {
        method: request.method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token}` },
        body: request.body,
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as { error?: { json?: { data?: { domain?: { kind?: string } } } } };
      const kind = body.error?.json?.data?.domain?.kind;
      const key = `${response.status}${kind ? ` ${kind}` : ''}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: o.connections }, client));
  const [row] = await o.db.execute(`select stock from products where id = ${o.productId}`);
  const [units] = await o.db.execute(
    `select coalesce(sum(quantity), 0) as n from order_lines where product_id = ${o.productId}`,
  );
  const gained = Math.round((await revenue()) * 100 - before * 100);
  const sold = Number(units?.n);
  const expectedCents = Math.round(Number(o.price) * 100) * o.stock;
  const what =
    `${o.requests} checkouts from ${o.connections} connections for ${o.stock} units: ${JSON.stringify(statuses)}, ` +
    `${sold} sold, stock now ${Number(row?.stock)}, revenue +${(gained / 100).toFixed(2)}`;
  const ok =
    sold === o.stock &&
    Number(row?.stock) === 0 &&
    statuses['200'] === o.stock &&
    statuses['422 OUT_OF_STOCK'] === o.requests - o.stock &&
    gained === expectedCents;
  return `${ok ? 'ok' : 'FAILED'}: no oversell under load: ${what}`;
}
