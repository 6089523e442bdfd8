// REST beside tRPC, over the same procedures (no second implementation): every procedure whose meta has
// `openapi` (rest-meta.ts) gets a fastify route under /api, its OpenAPI 3.1 document is served at
// /api/openapi.json (trpc-to-openapi's generator) and an interactive reference at /api/docs (Scalar).
//
// trpc-to-openapi's own request adapter is not used: it coerces query values by setting `_def.coerce` on
// the procedures' shared zod schemas, after which tRPC calls too would take "1" for an id and "false" as
// true. Here the request is made into the procedure's input without touching them (rest-input.ts).
import scalar from '@scalar/fastify-api-reference';
import { callTRPCProcedure, getTRPCErrorFromUnknown, getTRPCErrorShape, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { OpenAPIObject } from 'trpc-to-openapi';
import { FASTIFY_ERRORS, isServerFault, retryHeaders } from '../trpc/errors.ts';
import type { Context } from '../trpc/init.ts';
import { appRouter } from '../trpc/router.ts';
import { DOCS_PAGE } from './docs-page.ts';
import { openApiDocument, type Procedure, REST_PREFIX, restProcedures } from './openapi.ts';
import { asRestError, inputOf } from './rest-input.ts';

export interface RestPluginOptions {
  contextOf: (request: FastifyRequest) => Context;
  /** Only these procedures' routes (tRPC paths), beside the document and the docs page; default: all. */
  only?: readonly string[];
}

/** An error answer over REST: `{ message, code, data }`, `data` from the router's one error formatter. */
function sendError(
  reply: FastifyReply,
  error: TRPCError,
  call: {
    path: string | undefined;
    type: Procedure['_def']['type'] | 'unknown';
    input: unknown;
    ctx: Context | undefined;
  },
) {
  const shape = getTRPCErrorShape({ config: appRouter._def._config, error, ...call });
  const status = getHTTPStatusCodeFromError(error);
  return reply
    .code(status)
    .headers(retryHeaders(status) ?? {})
    .send({ message: shape.message, code: error.code, data: shape.data });
}

/** The call of an error answered before any procedure runs. */
const NO_CALL = { path: undefined, type: 'unknown', input: undefined, ctx: undefined } as const;

// Generated once per process: the plugin serves it under REST_PREFIX and at the root.
let document: OpenAPIObject | undefined;

export const restPlugin: FastifyPluginCallback<RestPluginOptions> = (app, { contextOf, only }, done) => {
  // A body fastify could not read (malformed JSON, too large, another media type) gets the routes' error shape.
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    const code = FASTIFY_ERRORS[error.statusCode ?? 500];
    if (!code) throw error;
    return sendError(reply, new TRPCError({ code, message: error.message }), NO_CALL);
  });
  // An unknown route under the prefix (a PUT where only PATCH exists, a mistyped path): the same Error shape.
  if (!only) {
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?', 1)[0];
      const message = `no route ${request.method} ${path}: the routes are listed at ${REST_PREFIX}/docs`;
      return sendError(reply, new TRPCError({ code: 'NOT_FOUND', message }), NO_CALL);
    });
  }
  app.get('/openapi.json', async () => {
    document ??= openApiDocument();
    return document;
  });
  app.register(scalar, { routePrefix: '/docs', configuration: DOCS_PAGE });

  for (const [path, procedure] of restProcedures().filter(([path]) => !only || only.includes(path))) {
    const meta = procedure._def.meta;
    const { status = 200, location } = meta.rest ?? {};
    app.route({
      method: meta.openapi.method,
      url: meta.openapi.path.replace(/\{(\w+)\}/g, ':$1'),
      handler: async (request, reply) => {
        const ctx = contextOf(request);
        let input: unknown;
        let called = false;
        try {
          input = inputOf(procedure, request);
          called = true;
          const type = procedure._def.type === 'query' ? 'query' : 'mutation';
          const data = await callTRPCProcedure({
            router: appRouter,
            path,
            type,
            ctx,
            getRawInput: async () => input,
            signal: undefined,
            batchIndex: 0,
          });
          if (status === 204) return reply.code(204).send();
          const created = location && createdPath(location, data);
          if (created) reply.header('location', `${REST_PREFIX}${created}`);
          return reply.code(status).send(data);
        } catch (cause) {
          // The procedure's field errors as the REST body has them (a flat body's `price`, not `patch.price`).
          const error = called
            ? asRestError(procedure, getTRPCErrorFromUnknown(cause))
            : getTRPCErrorFromUnknown(cause);
          if (isServerFault(error)) request.log.error({ path, err: error.cause ?? error }, 'procedure failed');
          return sendError(reply, error, { path, type: procedure._def.type, input, ctx });
        }
      },
    });
  }
  done();
};

/** `/orders/{order.id}` filled from the response (a dotted path into it); undefined when a value is missing. */
function createdPath(location: string, data: unknown): string | undefined {
  let missing = false;
  const path = location.replace(/\{([\w.]+)\}/g, (_, key: string) => {
    const value = key.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown> | null)?.[part], data);
    if (typeof value !== 'number' && typeof value !== 'string') missing = true;
    return String(value);
  });
  return missing ? undefined : path;
}
