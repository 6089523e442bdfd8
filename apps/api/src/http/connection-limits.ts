// How long a client may hold a connection, and how many it may hold: a slow or idle client's socket is freed
// within ~20 s, not held for node's 300 s request timeout, and one process accepts at most `maxConnections`
// sockets (the rest are refused at once, before any work). docs/deployment.md lists them.
import type http from 'node:http';

export interface ConnectionLimits {
  /** Time to receive a request's headers, from the connection (idle sockets that never send one). */
  headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body (a body sent a byte at a time). */
  requestTimeoutMs: number;
  /** How often node checks the two timeouts above (its default, 30 s, would double them). */
  checkIntervalMs: number;
  /** A socket with no traffic at all for this long is closed. */
  idleTimeoutMs: number;
  /** An idle keep-alive socket between requests is closed after this long. */
  keepAliveTimeoutMs: number;
  /** Requests one keep-alive socket may carry before the server closes it. */
  maxRequestsPerSocket: number;
  /** Sockets one process holds at once; more are refused on arrival. */
  maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 20_000,
  checkIntervalMs: 2_000,
  idleTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerSocket: 10_000,
  maxConnections: 4_096,
};

/** fastify's options for these limits (it creates the node:http server with them). */
export function connectionOptions(limits: ConnectionLimits) {
  return {
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    } satisfies http.ServerOptions,
  };
}

/** What fastify's options do not cover: the cap on sockets. */
export function capConnections(server: http.Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.maxConnections;
}
