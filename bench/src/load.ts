// One load run with autocannon (fixed connections and duration, after a warm-up) and the numbers the report needs.
import { DEFAULT_CONNECTION_LIMITS } from '@shop/api/testing';
import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses other than 200 (a batch with a failed call answers 207), plus socket errors and timeouts. */
  non2xx: number;
  errors: number;
  requests: number;
  /** Responses per HTTP status, e.g. { "200": 9120, "500": 3 }. */
  statuses: Record<string, number>;
}

export interface LoadRequest {
  method?: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  /** Load before the measured run (same connections), not counted: JIT, pools and caches warm up. */
  warmupSeconds: number;
  headers?: Record<string, string>;
}

/**
 * A connection is replaced after this many requests, as a client does when the API closes it: the API's
 * keep-alive socket carries at most `maxRequestsPerSocket` requests, its last answer says `connection: close`,
 * and node answers anything sent on it after that with a 503. autocannon ignores the header (its clients kept
 * the socket and got 58,080 503s on health.live at 34k req/s), so it is told to reconnect at that count. The
 * answer at which it reconnects is not counted (autocannon drops it): one in 10,000.
 */
const REQUESTS_PER_CONNECTION = DEFAULT_CONNECTION_LIMITS.maxRequestsPerSocket;

/** Runs `next()` for every request (so paths and bodies can vary) against `base` (the server origin). */
export async function load(
  base: string,
  next: () => LoadRequest,
  { connections, seconds, warmupSeconds, headers = {} }: LoadOptions,
): Promise<LoadResult> {
  const result = await autocannon({
    url: base,
    connections,
    reconnectRate: REQUESTS_PER_CONNECTION,
    duration: seconds,
    ...(warmupSeconds > 0 ? { warmup: { connections, duration: warmupSeconds } } : {}),
    headers: { 'content-type': 'application/json', ...headers },
    requests: [
      {
        setupRequest: (request) => {
          const r = next();
          return { ...request, method: r.method ?? 'GET', path: r.path, ...(r.body ? { body: r.body } : {}) };
        },
      },
    ],
  });
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([status, s]) => [status, s?.count ?? 0]),
  );
  const answered = Object.values(statuses).reduce((sum, n) => sum + n, 0);
  const errors = result.errors + result.timeouts;
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: answered - (statuses['200'] ?? 0) + errors,
    errors,
    requests: result.requests.total,
    statuses,
  };
}

/** Several loads side by side (connections split between them): one row, p50/p99 the worst of the parts. */
export async function loadSideBySide(
  base: string,
  parts: (() => LoadRequest)[],
  options: LoadOptions,
): Promise<LoadResult> {
  const connections = Math.max(1, Math.round(options.connections / parts.length));
  const results = await Promise.all(parts.map((next) => load(base, next, { ...options, connections })));
  return {
    requestsPerSecond: results.reduce((total, r) => total + r.requestsPerSecond, 0),
    p50Ms: Math.max(...results.map((r) => r.p50Ms)),
    p99Ms: Math.max(...results.map((r) => r.p99Ms)),
    ...counts(results),
  };
}

/** The counts of several loads added up: responses that were not 200, errors, requests, and each status's. */
function counts(results: readonly LoadResult[]): Pick<LoadResult, 'non2xx' | 'errors' | 'requests' | 'statuses'> {
  const sum = (pick: (r: LoadResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  return {
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    requests: sum((r) => r.requests),
    statuses: results.reduce<Record<string, number>>((all, r) => {
      for (const [status, n] of Object.entries(r.statuses)) all[status] = (all[status] ?? 0) + n;
      return all;
    }, {}),
  };
}

/** Slices of an interleaved measurement: 2.5 s each in a full run (10 s), 1 s in --quick (2 s). */
export const interleavedSlices = (seconds: number) => Math.max(2, Math.floor(seconds / 2.5));

/** One side of an interleaved measurement: a server (origin) and the requests it gets. */
export interface LoadPart {
  base: string;
  next: () => LoadRequest;
}

/**
 * Loads that are compared (a procedure over /trpc and over /api; one procedure on an API per dialect) in
 * alternating slices: each warmed up, then `slices` turns of `seconds / slices` each, the order reversed every
 * other turn (ABBA, ABCCBA), so drift on the machine (another process, a database's background work) lands on
 * all alike. Per part: requests over its total time, p50 the median of its slices', p99 the worst of them.
 */
export async function loadInterleaved(parts: LoadPart[], options: LoadOptions, slices: number): Promise<LoadResult[]> {
  const warm = { ...options, seconds: options.warmupSeconds, warmupSeconds: 0 };
  if (options.warmupSeconds > 0) for (const { base, next } of parts) await load(base, next, warm);
  const runs: LoadResult[][] = parts.map(() => []);
  const slice = { ...options, seconds: options.seconds / slices, warmupSeconds: 0 };
  const forward = parts.map((_, index) => index);
  for (let turn = 0; turn < slices; turn++) {
    for (const index of turn % 2 === 0 ? forward : [...forward].reverse()) {
      const { base, next } = parts[index] as LoadPart;
      runs[index]?.push(await load(base, next, slice));
    }
  }
  return runs.map((results): LoadResult => {
    const total = counts(results);
    const p50s = results.map((r) => r.p50Ms).sort((a, b) => a - b);
    return {
      requestsPerSecond: Math.round(total.requests / options.seconds),
      p50Ms: p50s[Math.floor(p50s.length / 2)] as number,
      p99Ms: Math.max(...results.map((r) => r.p99Ms)),
      ...total,
    };
  });
}

export const query = (procedure: string, input: unknown): LoadRequest => ({
  path: `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
});

/** tRPC's httpBatchLink GET: `/trpc/a,b?batch=1&input={"0":{"json":…},"1":…}` (superjson-wrapped inputs). */
export const batchQuery = (procedure: string, inputs: unknown[]): LoadRequest => {
  const wrapped = Object.fromEntries(inputs.map((input, i) => [String(i), { json: input }]));
  return {
    path: `/trpc/${inputs.map(() => procedure).join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(wrapped))}`,
  };
};

/** A REST route of the same API (apps/api/src/http/openapi.ts's REST_PREFIX), e.g. `rest('/products/7')`. */
export const rest = (path: `/${string}`): LoadRequest => ({ path: `/api${path}` });

export const mutation = (procedure: string, input: unknown): LoadRequest => ({
  method: 'POST',
  path: `/trpc/${procedure}`,
  body: JSON.stringify({ json: input }),
});
