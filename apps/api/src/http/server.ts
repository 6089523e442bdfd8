// The HTTP server: fastify with tRPC, REST and (when built) the web app as plugins, request ids, one log line
// per request, bounded batches and bodies, JSON 404s, and a close that lets in-flight requests finish.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Orm } from '@shop/db';
import Fastify, { type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { ApiMetrics } from '../process/metrics.ts';
import { type Context, createContext } from '../trpc/init.ts';
import { LoginLimiter } from '../trpc/login-limiter.ts';
import {
  type ConnectionLimits,
  capConnections,
  connectionOptions,
  DEFAULT_CONNECTION_LIMITS,
} from './connection-limits.ts';
import { parseJsonBodies } from './json-body.ts';
import { REST_PREFIX } from './openapi.ts';
import { restPlugin } from './rest.ts';
import { securityHeaders } from './security-headers.ts';
import { trpcPlugin } from './trpc-plugin.ts';
import { wantsAppPage, webAppPlugin } from './web-app.ts';

export interface ApiServerOptions {
  orm: Orm;
  log: Logger;
  /** Calls per batched request (OWASP API4: batching multiplies work per request). */
  maxBatchSize?: number;
  maxBodyBytes?: number;
  /** How long close() waits for in-flight requests before cutting connections. */
  shutdownGraceMs?: number;
  loginLimiter?: LoginLimiter;
  /** The built web app's folder (apps/web/dist), served at `/`; without it only the API is served. */
  webRoot?: string;
  /** Timeouts and the socket cap (slow and idle clients); defaults in connection-limits.ts. */
  connectionLimits?: Partial<ConnectionLimits>;
  /** false: every tRPC call through tRPC's own fastify handler (trpc-direct.ts's reference, in tests). */
  directTrpcCalls?: boolean;
  /** Records each request and call (process/metrics.ts); served on a port of its own, never here. */
  metrics?: ApiMetrics;
}

/** The fastify instance, typed with the pino logger it was given. */
export type ApiApp = FastifyInstance<http.Server, http.IncomingMessage, http.ServerResponse, Logger>;

export interface ApiServer {
  /** Later concerns (static files, CORS, docs) are plugins registered here, beside the tRPC one. */
  app: ApiApp;
  /** The underlying node:http server. */
  server: http.Server;
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, finishes in-flight requests (up to the grace period); does not close the ORM. */
  close(): Promise<void>;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;
const NOT_FOUND = JSON.stringify({
  error: 'not found: procedures are served under /trpc/<router>.<procedure>, REST routes under /api (see /api/docs)',
});

/** Every value of one header, one per line sent (node joins repeated unknown headers with ", "). */
function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name) values.push(rawHeaders[i + 1] ?? '');
  }
  return values;
}

/** A client's `x-request-id` when it is a plausible id (never trusted blindly into logs), else a UUID. */
function requestIdOf(req: http.IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function createApiServer({
  orm,
  log,
  maxBatchSize = 20,
  maxBodyBytes = 1_048_576,
  shutdownGraceMs = 10_000,
  webRoot,
  loginLimiter = new LoginLimiter(orm),
  connectionLimits,
  directTrpcCalls = true,
  metrics,
}: ApiServerOptions): ApiServer {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...connectionLimits };
  const app = Fastify({
    loggerInstance: log,
    // The request child logger carries `requestId`; fastify's own two lines per request are replaced by
    // the single line of the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    // Not `requestIdHeader`: fastify would take the header's value unchecked.
    genReqId: requestIdOf,
    bodyLimit: maxBodyBytes,
    ...connectionOptions(limits),
    // close() ends idle keep-alive sockets at once; busy ones finish their request first. A request that
    // still arrives on an open connection while closing is served (with `Connection: close`), not refused.
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    // A batched GET names every procedure in one path segment (find-my-way's default cap is 100 chars);
    // node:http already bounds the whole request line by its header size limit.
    routerOptions: { maxParamLength: 16_384 },
  });

  capConnections(app.server, limits);
  parseJsonBodies(app);
  securityHeaders(app);

  let closing = false;
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    // A response finished during close() tells its keep-alive client to hang up, so no socket outlives it.
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const url = request.url;
    const query = url.indexOf('?');
    request.log.info(
      {
        method: request.method,
        path: query === -1 ? url : url.slice(0, query),
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request',
    );
    done();
  });
  if (metrics) app.addHook('onResponse', metrics.onResponse);
  app.setNotFoundHandler((request, reply) => {
    if (webRoot && wantsAppPage(request.method, request.url, request.headers.accept)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    reply.code(404).type('application/json').send(NOT_FOUND);
  });
  // fastify's default handler answers; with request logging off it would not log a 5xx of its own.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if ((error.statusCode ?? 500) >= 500) request.log.error({ err: error }, 'request failed');
    reply.send(error);
  });
  /** One context per HTTP request, for tRPC and REST alike. */
  const contextOf = (req: FastifyRequest): Context =>
    createContext({
      orm,
      loginLimiter,
      requestId: req.id,
      // fastify's per-request child of the pino instance, already bound to `requestId`.
      log: req.log as Logger,
      authorization: req.headers.authorization,
      clientAddress: req.socket.remoteAddress,
      idempotencyKeys: headerValues(req.raw.rawHeaders, 'idempotency-key'),
      ...(metrics && { onCallSettled: metrics.onCallSettled }),
    });
  app.register(trpcPlugin, { prefix: '/trpc', contextOf, maxBatchSize, directCalls: directTrpcCalls });
  app.register(restPlugin, { prefix: REST_PREFIX, contextOf });
  // Where probes and people look first: /healthz, /readyz, /openapi.json and /docs at the root too.
  app.register(restPlugin, { contextOf, only: ROOT_ROUTES });
  if (webRoot) app.register(webAppPlugin, { root: webRoot });

  return {
    app,
    server: app.server,
    listen: async (port, host) => {
      await app.listen({ port, host });
      const address = app.server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${shownHost}:${address.port}/trpc`;
    },
    close: async () => {
      closing = true;
      const force = setTimeout(() => app.server.closeAllConnections(), shutdownGraceMs);
      force.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(force);
      }
    },
  };
}

/** Procedures whose REST routes also answer at the root, not only under REST_PREFIX. */
const ROOT_ROUTES = ['health.live', 'health.ready'] as const;
