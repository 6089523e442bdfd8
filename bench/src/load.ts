// One load run with autocannon (fixed connections and duration) and the numbers the report needs.
import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  requests: number;
}

export interface LoadRequest {
  method?: 'GET' | 'POST';
  path: string;
  body?: string;
}

/** Runs `next()` for every request (so paths and bodies can vary) against `base` (the server origin). */
export async function load(
  base: string,
  next: () => LoadRequest,
  { connections, seconds, headers = {} }: { connections: number; seconds: number; headers?: Record<string, string> },
): Promise<LoadResult> {
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
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
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    requests: result.requests.total,
  };
}

export const query = (procedure: string, input: unknown): LoadRequest => ({
  path: `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
});

export const mutation = (procedure: string, input: unknown): LoadRequest => ({
  method: 'POST',
  path: `/trpc/${procedure}`,
  body: JSON.stringify({ json: input }),
});
