// The `procedure` label of a request's metrics (process/metrics.ts): a bounded set, whatever URLs clients send.
import type { FastifyRequest } from 'fastify';
import { appRouter } from '../trpc/router.ts';
import { REST_PREFIX, restProcedures } from './openapi.ts';

const TRPC_ROUTE = '/trpc/:path';
const PROCEDURES = new Set(Object.keys(appRouter._def.procedures));
/** `GET /api/products/:id` → `products.byId`: rest.ts's routes, under REST_PREFIX and (some) at the root. */
const REST_ROUTES = new Map<string, string>(
  restProcedures().flatMap(([path, procedure]) => {
    const { method, path: url } = procedure._def.meta.openapi;
    const route = url.replace(/\{(\w+)\}/g, ':$1');
    return [
      [`${method} ${REST_PREFIX}${route}`, path],
      [`${method} ${route}`, path],
    ];
  }),
);
const DOCS_ROUTE = new RegExp(`^(${REST_PREFIX})?/(docs|openapi\\.json)`);
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The `method` label: the HTTP methods the API answers, any other as `other`. */
export const methodOf = (request: FastifyRequest) => (METHODS.has(request.method) ? request.method : 'other');

/**
 * The `procedure` label of a request: the tRPC path of a single call, `batch` for a batched one, the procedure
 * behind a REST route, else `docs` (the OpenAPI document and reference), `web` (the web app), `not_found`
 * (an unknown route or procedure) or `other`.
 */
export function procedureOf(request: FastifyRequest, status: number): string {
  const route = request.routeOptions.url;
  if (route === TRPC_ROUTE) {
    if ((request.query as { batch?: unknown }).batch === '1') return 'batch';
    const path = (request.params as { path?: string }).path ?? '';
    return PROCEDURES.has(path) ? path : 'not_found';
  }
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  const rest = route && REST_ROUTES.get(`${method} ${route}`);
  if (rest) return rest;
  if (status === 404) return 'not_found';
  if (route && DOCS_ROUTE.test(route)) return 'docs';
  // The web app's files (@fastify/static's `/*`), or its index.html for a client-side route (no route).
  if (route === '/*' || route === undefined) return status < 400 ? 'web' : 'other';
  return 'other';
}
