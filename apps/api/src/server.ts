// HTTP server: tRPC's node handler inside a plain node:http server, with request ids, one JSON log line per
// request, bounded batches and bodies, and a graceful close that lets in-flight requests finish.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Orm } from '@shop/db';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Logger } from 'pino';
import { LoginLimiter } from './login-limiter.ts';
import { appRouter } from './router.ts';
import { bearerToken } from './trpc.ts';

export interface ApiServerOptions {
  orm: Orm;
  log: Logger;
  /** Calls per batched request (OWASP API4: batching multiplies work per request). */
  maxBatchSize?: number;
  maxBodyBytes?: number;
  /** How long close() waits for in-flight requests before cutting connections. */
  shutdownGraceMs?: number;
  loginLimiter?: LoginLimiter;
}

export interface ApiServer {
  server: http.Server;
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, finishes in-flight requests (up to the grace period); does not close the ORM. */
  close(): Promise<void>;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

export function createApiServer({
  orm,
  log,
  maxBatchSize = 20,
  maxBodyBytes = 1_048_576,
  shutdownGraceMs = 10_000,
  loginLimiter = new LoginLimiter(),
}: ApiServerOptions): ApiServer {
  const requestIds = new WeakMap<http.IncomingMessage, string>();
  const inFlight = new Set<http.ServerResponse>();
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBatchSize,
    maxBodySize: maxBodyBytes,
    createContext: ({ req }) => {
      const requestId = requestIds.get(req) ?? randomUUID();
      return {
        orm,
        requestId,
        log: log.child({ requestId }),
        token: bearerToken(req.headers.authorization),
        clientAddress: req.socket.remoteAddress ?? 'unknown',
        loginLimiter,
      };
    },
    onError: ({ error, path, ctx }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        log.error({ requestId: ctx?.requestId, path, err: error.cause ?? error }, 'procedure failed');
      }
    },
  });

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    requestIds.set(req, requestId);
    res.setHeader('x-request-id', requestId);
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    res.on('finish', () => {
      log.info(
        {
          requestId,
          method: req.method,
          path: req.url?.split('?')[0],
          status: res.statusCode,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
        },
        'request',
      );
    });
    if (!req.url?.startsWith('/trpc/')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found: procedures are served under /trpc/<router>.<procedure>' }));
      return;
    }
    handler(req, res);
  });
  server.keepAliveTimeout = 5_000;

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}/trpc`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        // In-flight responses tell their keep-alive clients to hang up, so no socket outlives its request.
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        const force = setTimeout(() => server.closeAllConnections(), shutdownGraceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        // Idle keep-alive sockets would hold close() open; busy ones finish their request first.
        server.closeIdleConnections();
      }),
  };
}
