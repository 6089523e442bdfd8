// One-off checks that keep the numbers meaningful: a batched request really answers every call (200, not
// 207/400/404), and the raw baseline answers the same JSON as the API (else the comparison is unfair).
import { isDeepStrictEqual } from 'node:util';
import type { LoadRequest } from './load.ts';

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
