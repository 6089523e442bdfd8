// REST beside tRPC, over the same procedures (no second implementation): every procedure whose meta has
// `openapi` (rest-meta.ts) gets a fastify route under /api, its OpenAPI 3.1 document is served at
// /api/openapi.json (trpc-to-openapi's generator) and an interactive reference at /api/docs (Scalar).
//
// trpc-to-openapi's own request adapter is not used: it coerces query values by setting `_def.coerce` on
// the procedures' shared zod schemas, after which tRPC calls too would take "1" for an id and "false" as
// true. Here path and query strings are converted per field, strictly, and nothing else is touched.
import scalar from '@scalar/fastify-api-reference';
import { callTRPCProcedure, getTRPCErrorFromUnknown, getTRPCErrorShape, type TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import type { ZodType } from 'zod';
import { appRouter } from './router.ts';
import type { Context, Meta } from './trpc.ts';

export const REST_PREFIX = '/api';

interface Procedure {
  _def: { type: 'query' | 'mutation' | 'subscription'; meta?: Meta; inputs: ZodType[] };
}
const procedures = appRouter._def.procedures as unknown as Record<string, Procedure>;

/** The procedures exposed over REST, by tRPC path. */
export const restProcedures = () =>
  Object.entries(procedures).filter(([, procedure]) => procedure._def.meta?.openapi !== undefined);

type Wrapped = { def: { type: string; innerType?: unknown }; shape?: Record<string, unknown> };
const WRAPPERS = ['optional', 'nullable', 'default', 'prefault'];
const unwrap = (schema: unknown) => {
  let inner = schema as Wrapped | undefined;
  while (inner && WRAPPERS.includes(inner.def.type)) inner = inner.def.innerType as Wrapped;
  return inner;
};

/** The zod type of one input field, without optional/nullable/default wrappers (on the object too). */
const fieldType = (input: ZodType | undefined, key: string) => unwrap(unwrap(input)?.shape?.[key])?.def.type;

const camel = (key: string) => key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * Query and path values are strings: numbers, booleans and dates are converted only when written exactly
 * so ("12", "true", an ISO date); anything else stays a string for zod to refuse with a field error.
 * Snake-case names (per_page, is_active, min_products) are accepted for the Flask API's clients.
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

function inputOf(procedure: Procedure, request: FastifyRequest): unknown {
  const schema = procedure._def.inputs[0];
  if (!schema) return undefined;
  const params = fromStrings(schema, request.params as Record<string, unknown>);
  const method = request.method;
  if (method === 'GET' || method === 'DELETE') {
    return { ...fromStrings(schema, request.query as Record<string, unknown>), ...params };
  }
  const body = request.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) return body; // zod answers 400
  return { ...(body as Record<string, unknown>), ...params };
}

export interface RestPluginOptions {
  contextOf: (request: FastifyRequest) => Context;
}

export const restPlugin: FastifyPluginCallback<RestPluginOptions> = (app, { contextOf }, done) => {
  let document: OpenAPIObject | undefined;
  app.get('/openapi.json', async () => {
    document ??= openApiDocument();
    return document;
  });
  app.register(scalar, {
    routePrefix: '/docs',
    configuration: { url: `${REST_PREFIX}/openapi.json`, title: 'shop-rpc REST API' },
  });

  for (const [path, procedure] of restProcedures()) {
    const meta = procedure._def.meta as Meta & { openapi: NonNullable<Meta['openapi']> };
    const { status = 200, location } = meta.rest ?? {};
    app.route({
      method: meta.openapi.method,
      url: meta.openapi.path.replace(/\{(\w+)\}/g, ':$1'),
      handler: async (request, reply) => {
        const ctx = contextOf(request);
        const input = inputOf(procedure, request);
        try {
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
          if (location && data && typeof data === 'object' && 'id' in data) {
            reply.header('location', `${REST_PREFIX}${location.replace('{id}', String(data.id))}`);
          }
          return reply.code(status).send(data);
        } catch (cause) {
          const error: TRPCError = getTRPCErrorFromUnknown(cause);
          if (error.code === 'INTERNAL_SERVER_ERROR')
            request.log.error({ path, err: error.cause ?? error }, 'procedure failed');
          const shape = getTRPCErrorShape({
            config: appRouter._def._config,
            error,
            type: procedure._def.type,
            path,
            input,
            ctx,
          });
          return reply
            .code(getHTTPStatusCodeFromError(error))
            .send({ message: shape.message, code: error.code, data: shape.data });
        }
      },
    });
  }
  done();
};

export function openApiDocument(): OpenAPIObject {
  return generateOpenApiDocument(appRouter, {
    title: 'shop-rpc',
    version: '1.0.0',
    description:
      'The shop over REST: the same procedures as the typed tRPC API at /trpc. Errors carry `message`, `code` ' +
      'and `data` (`zodError.fieldErrors` per input field, `domain.field` for conflicts). Sign in with ' +
      'POST /auth/login and send the token as `Authorization: Bearer <token>`.',
    baseUrl: REST_PREFIX,
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'the token from POST /auth/login' },
    },
  });
}
