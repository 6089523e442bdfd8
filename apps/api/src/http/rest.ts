// REST beside tRPC, over the same procedures (no second implementation): every procedure whose meta has
// `openapi` (rest-meta.ts) gets a fastify route under /api, its OpenAPI 3.1 document is served at
// /api/openapi.json (trpc-to-openapi's generator) and an interactive reference at /api/docs (Scalar).
//
// trpc-to-openapi's own request adapter is not used: it coerces query values by setting `_def.coerce` on
// the procedures' shared zod schemas, after which tRPC calls too would take "1" for an id and "false" as
// true. Here path and query strings are converted per field, strictly, and nothing else is touched.
import scalar from '@scalar/fastify-api-reference';
import { callTRPCProcedure, getTRPCErrorFromUnknown, getTRPCErrorShape, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { OpenAPIObject } from 'trpc-to-openapi';
import type { ZodType } from 'zod';
import { FASTIFY_ERRORS } from '../trpc/errors.ts';
import type { Context } from '../trpc/init.ts';
import { appRouter } from '../trpc/router.ts';
import { openApiDocument, type Procedure, REST_PREFIX, restProcedures } from './openapi.ts';

type Wrapped = { def: { type: string; innerType?: unknown }; shape?: Record<string, unknown> };
const WRAPPERS = ['optional', 'nullable', 'default', 'prefault'];
const unwrap = (schema: unknown) => {
  let inner = schema as Wrapped | undefined;
  while (inner && WRAPPERS.includes(inner.def.type)) inner = inner.def.innerType as Wrapped;
  return inner;
};

/** The input's fields (an object schema's shape, without wrappers); none for other inputs. */
const fieldsOf = (input: ZodType | undefined): Record<string, unknown> => unwrap(input)?.shape ?? {};

/** The zod type of one input field, without optional/nullable/default wrappers; own fields only (never `constructor`). */
const fieldType = (input: ZodType | undefined, key: string) => {
  const fields = fieldsOf(input);
  return Object.hasOwn(fields, key) ? unwrap(fields[key])?.def.type : undefined;
};

const camel = (key: string) => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * Query and path values are strings: numbers, booleans and dates are converted only when written exactly
 * so ("12", "true", an ISO date); anything else stays a string for zod to refuse with a field error.
 * snake_case query names are accepted too (per_page, is_active, min_products).
 */
function fromStrings(input: ZodType | undefined, values: Record<string, unknown>): Record<string, unknown> {
  const converted: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(values)) {
    const key = camel(rawKey);
    if (typeof value !== 'string') {
      converted[key] = value;
      continue;
    }
    const type = fieldType(input, key);
    if (type === 'number' && /^-?\d{1,15}(\.\d+)?$/.test(value)) converted[key] = Number(value);
    else if (type === 'boolean' && (value === 'true' || value === 'false')) converted[key] = value === 'true';
    else if (type === 'date' && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)))
      converted[key] = new Date(value);
    else converted[key] = value;
  }
  return converted;
}

/** A query parameter the route does not take is refused (a misspelt `perpage` would otherwise do nothing). */
function refuseUnknownQueryKeys(input: ZodType | undefined, query: Record<string, unknown>): void {
  const fields = fieldsOf(input);
  for (const rawKey of Object.keys(query)) {
    if (Object.hasOwn(fields, camel(rawKey))) continue;
    const taken = Object.keys(fields);
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `unknown query parameter "${rawKey}": this route takes ${taken.length ? taken.join(', ') : 'none'}`,
    });
  }
}

function inputOf(procedure: Procedure, request: FastifyRequest): unknown {
  const schema = procedure._def.inputs[0];
  const method = request.method;
  if (!schema) return undefined; // a route without input ignores its query (a probe's cache buster)
  const query = request.query as Record<string, unknown>;
  if (method === 'GET' || method === 'DELETE') refuseUnknownQueryKeys(schema, query);
  const params = fromStrings(schema, request.params as Record<string, unknown>);
  if (method === 'GET' || method === 'DELETE') return { ...fromStrings(schema, query), ...params };
  // A JSON body was held to the input limits (depth, prototype keys) by its parser (json-body.ts).
  const body = request.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) return body; // zod answers 400
  return { ...(body as Record<string, unknown>), ...params };
}

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
  return reply
    .code(getHTTPStatusCodeFromError(error))
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
  app.register(scalar, {
    routePrefix: '/docs',
    // No fonts from Scalar's CDN: the page loads nothing from outside this origin (security-headers.ts's CSP).
    configuration: { url: `${REST_PREFIX}/openapi.json`, title: 'shop-rpc REST API', withDefaultFonts: false },
  });

  for (const [path, procedure] of restProcedures().filter(([path]) => !only || only.includes(path))) {
    const meta = procedure._def.meta;
    const { status = 200, location } = meta.rest ?? {};
    app.route({
      method: meta.openapi.method,
      url: meta.openapi.path.replace(/\{(\w+)\}/g, ':$1'),
      handler: async (request, reply) => {
        const ctx = contextOf(request);
        let input: unknown;
        try {
          input = inputOf(procedure, request);
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
          const error: TRPCError = getTRPCErrorFromUnknown(cause);
          if (error.code === 'INTERNAL_SERVER_ERROR')
            request.log.error({ path, err: error.cause ?? error }, 'procedure failed');
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
