// /metrics over HTTP: the small server on METRICS_PORT (never the API's port), with an optional bearer
// token, and with API_WORKERS > 1 the primary's scrape that sums every worker's (prom-client's aggregator).
import cluster from 'node:cluster';
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { listenFailure } from './listen-errors.ts';

// ---- With API_WORKERS > 1: every worker answers the primary, which serves the sum ------------------------

/** In a worker: answer the primary's scrapes with `registry` (before the worker reports that it listens). */
export function answerPrimaryScrapes(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // prom-client starts listening to the primary when its first AggregatorRegistry is made.
  new AggregatorRegistry();
}

/**
 * In the primary: the workers' metrics, summed (prom-client's cluster aggregation). No sum while a worker is
 * `starting()` (one could not answer yet), and none when a worker does not answer within 5 s: a scrape then
 * fails rather than give a partial sum, which Prometheus would take for counter resets.
 */
export function workersScrape(starting: () => number): { scrape: () => Promise<string>; contentType: string } {
  if (!cluster.isPrimary) throw new Error('workersScrape() belongs in the cluster primary');
  const aggregator = new AggregatorRegistry();
  return {
    scrape: async () => {
      const count = starting();
      if (count > 0) throw new Error(`${count === 1 ? 'a worker is' : `${count} workers are`} still starting`);
      return aggregator.clusterMetrics().catch((error: Error) => {
        // prom-client's only words for a worker that did not answer.
        throw error.message === 'Operation timed out.' ? new Error('a worker did not answer within 5 s') : error;
      });
    },
    contentType: aggregator.contentType,
  };
}

// ---- The metrics server --------------------------------------------------------------------------------

export interface MetricsServer {
  /** http://host:port/metrics */
  url: string;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  host: string;
  port: number;
  /** When set, a scrape needs `Authorization: Bearer <token>`. */
  token?: string | undefined;
  scrape: () => Promise<string>;
  contentType: string;
  log: Logger;
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;
const digest = (text: string) => createHash('sha256').update(text).digest();

/** GET /metrics on its own port; anything else is a 404 (another path) or a 405 (another method). */
export async function serveMetrics({
  host,
  port,
  token,
  scrape,
  contentType,
  log,
}: MetricsServerOptions): Promise<MetricsServer> {
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  const server = http.createServer(async (request, response) => {
    const answer = (status: number, body: string, headers: Record<string, string> = {}) =>
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body);
    if (request.url?.split('?', 1)[0] !== '/metrics') return answer(404, 'not found: metrics are at /metrics\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return answer(405, 'method not allowed: GET /metrics\n', { allow: 'GET, HEAD' });
    }
    const authorization = request.headers.authorization;
    if (expected && !(authorization !== undefined && timingSafeEqual(digest(authorization), expected))) {
      return answer(401, 'unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n', {
        'www-authenticate': 'Bearer realm="metrics"',
      });
    }
    try {
      const body = await scrape();
      response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      const reason = (error as Error).message;
      log.warn({ reason }, 'metrics scrape failed');
      answer(503, `metrics unavailable: ${reason}\n`);
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new Error(metricsListenProblem(error, host, port))));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/metrics`;
  if (!token && !LOOPBACK.test(host)) {
    log.warn(
      { url },
      'metrics are readable by anyone who reaches this address: set METRICS_TOKEN, or METRICS_HOST=127.0.0.1',
    );
  }
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function metricsListenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (listenFailure(error)) {
    case 'in-use':
      return `METRICS_PORT ${port} is in use on ${host}: set METRICS_PORT to a free port`;
    case 'privileged':
      return `METRICS_PORT ${port} on ${host} needs privileges this user lacks: use 1024 or above`;
    case 'not-an-address':
      return `METRICS_HOST ${host} is not an address of this machine: set METRICS_HOST (or HOST) to one of its addresses`;
    default:
      return `cannot serve metrics on ${host}:${port}: ${error.message}`;
  }
}
