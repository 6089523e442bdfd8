// The OpenAPI 3.1 document of the REST routes: trpc-to-openapi generates it from the procedures' zod inputs and
// outputs and their `meta.openapi` (rest-meta.ts), then it is made to say what the routes answer, which the
// generator cannot know: the success status (201 with its Location header, 204 without a body), the error
// body the routes send (`{ message, code, data }`), and per route only the errors it can give, derived from
// its access level, input and method, plus its own (`rest(…, { errors })`); a body that the tRPC input nests
// as the flat fields the route takes; money fields as taking a JSON number too. A test compares the document
// with the statuses the routes really answer.
import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import type { ZodType } from 'zod';
import type { Meta } from '../trpc/init.ts';
import { appRouter } from '../trpc/router.ts';
import { MONEY_FORMAT } from '../trpc/schemas.ts';
import { bodySchemaOf } from './rest-input.ts';

export const REST_PREFIX = '/api';

export interface Procedure {
  _def: { type: 'query' | 'mutation' | 'subscription'; meta?: Meta; inputs: ZodType[] };
}
type RestProcedure = Procedure & { _def: { meta: Meta & { openapi: NonNullable<Meta['openapi']> } } };
const procedures = appRouter._def.procedures as unknown as Record<string, Procedure>;

/** The procedures exposed over REST, by tRPC path. */
export const restProcedures = () =>
  Object.entries(procedures).filter((entry): entry is [string, RestProcedure] => !!entry[1]._def.meta?.openapi);

/** The error answers a route can give: from its input, its access level and its method, plus its own. */
function errorsOf(procedure: RestProcedure): Record<number, string> {
  const { access, openapi, rest } = procedure._def.meta;
  const errors: Record<number, string> = {};
  if (procedure._def.inputs.length > 0) errors[400] = 'invalid input: `data.zodError.fieldErrors` names each field';
  if (access !== 'public') errors[401] = 'no bearer token, or one that expired or was revoked';
  if (access === 'admin') errors[403] = 'the admin role is required';
  if (access === 'owner') errors[404] = 'not found, or not yours (the two look alike)';
  else if (/\{\w+\}/.test(openapi.path) || openapi.method !== 'GET') errors[404] = 'not found: `message` says what';
  if (openapi.method !== 'GET') errors[409] = 'conflict: `data.domain.field` names the field';
  if (['POST', 'PUT', 'PATCH'].includes(openapi.method)) {
    errors[413] = 'the body is larger than the limit (API_MAX_BODY_BYTES)';
    errors[415] = 'the body is not JSON (send content-type: application/json)';
  }
  errors[503] =
    "the database is unavailable (down, or no connection within DB_CONNECT_TIMEOUT_MS): try again after the Retry-After header's seconds";
  for (const [status, description] of Object.entries(rest?.errors ?? {})) {
    if (description === false) delete errors[Number(status)];
    else errors[Number(status)] = description;
  }
  return errors;
}

const ERROR_SCHEMA = {
  type: 'object',
  description: 'Every error answer: the same shape as the typed tRPC API’s errors.',
  required: ['message', 'code', 'data'],
  properties: {
    message: { type: 'string', description: 'for a person' },
    code: { type: 'string', description: 'the tRPC error code, e.g. BAD_REQUEST, NOT_FOUND, CONFLICT' },
    data: {
      type: 'object',
      required: ['code', 'httpStatus', 'zodError', 'domain'],
      properties: {
        code: { type: 'string' },
        httpStatus: { type: 'integer' },
        path: {
          type: ['string', 'null'],
          description: 'the procedure behind the route (absent when the body could not be read)',
        },
        zodError: {
          description: 'for invalid input: the message of each field',
          oneOf: [
            { type: 'null' },
            {
              type: 'object',
              properties: {
                formErrors: { type: 'array', items: { type: 'string' } },
                fieldErrors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
              },
            },
          ],
        },
        domain: {
          description: 'for a rule of the shop: its kind, and the field (and each conflict of a bulk input)',
          oneOf: [
            { type: 'null' },
            {
              type: 'object',
              properties: {
                kind: { type: 'string' },
                field: { type: ['string', 'null'] },
                conflicts: { type: ['array', 'null'], items: { type: 'object' } },
                productId: { type: ['integer', 'null'], description: 'OUT_OF_STOCK: the product' },
                available: { type: ['integer', 'null'], description: 'OUT_OF_STOCK: the units left' },
              },
            },
          ],
        },
      },
    },
  },
  example: {
    message: 'name is already taken',
    code: 'CONFLICT',
    data: {
      code: 'CONFLICT',
      httpStatus: 409,
      path: 'categories.create',
      zodError: null,
      domain: { kind: 'CONFLICT', field: 'name', conflicts: null, productId: null, available: null },
    },
  },
} as const;

type JsonSchema = { [key: string]: unknown; properties?: Record<string, JsonSchema> };
type Operation = {
  responses: Record<string, { description: string; content?: unknown; headers?: unknown }>;
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
};

const MONEY_NUMBERS =
  'A decimal string ("12.50", exact), or a JSON number with at most 2 decimal places (12.5); anything else is ' +
  'refused, never rounded.';

/** A request body's money fields (their `format`, schemas.ts) say that they take a JSON number too (rest-input.ts). */
function moneyTakesNumbers(schema: unknown): void {
  if (Array.isArray(schema)) for (const item of schema) moneyTakesNumbers(item);
  if (schema === null || typeof schema !== 'object') return;
  const node = schema as JsonSchema;
  if (node.format === MONEY_FORMAT && node.type === 'string') {
    node.type = ['string', 'number'];
    node.minimum = 0;
    node.description = node.description ? `${node.description}. ${MONEY_NUMBERS}` : MONEY_NUMBERS;
  }
  for (const value of Object.values(node)) moneyTakesNumbers(value);
}

/** The body of a route whose tRPC input nests it (`rest(…, { body: 'patch' })`): the nested fields, flat. */
function flatBody(operation: Operation, procedure: RestProcedure, field: string, route: string): void {
  const content = operation.requestBody?.content['application/json'];
  const nested = content?.schema.properties?.[field];
  if (!content || !nested) throw new Error(`the OpenAPI document has no body field "${field}" for ${route}`);
  // A patch with no field is refused by a refinement, which the generator cannot see: said here.
  const empty = !nested.required && !(bodySchemaOf(procedure) as ZodType).safeParse({}).success;
  content.schema = empty ? { ...nested, minProperties: 1 } : nested;
}

export function openApiDocument(): OpenAPIObject {
  const document = generateOpenApiDocument(appRouter, {
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
  // The generator's error schemas describe a body the routes do not send: replaced by one Error schema.
  const schemas = Object.fromEntries(
    Object.entries(document.components?.schemas ?? {}).filter(([name]) => !name.startsWith('error.')),
  );
  document.components = { ...document.components, schemas: { ...schemas, Error: ERROR_SCHEMA as never } };
  const error = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

  for (const [, procedure] of restProcedures()) {
    const { openapi, rest } = procedure._def.meta;
    const operation = (document.paths?.[openapi.path] as Record<string, Operation> | undefined)?.[
      openapi.method.toLowerCase()
    ];
    if (!operation) throw new Error(`the OpenAPI document has no ${openapi.method} ${openapi.path}`);
    if (rest?.body) flatBody(operation, procedure, rest.body, `${openapi.method} ${openapi.path}`);
    moneyTakesNumbers(operation.requestBody);
    const ok = operation.responses['200'];
    if (!ok) throw new Error(`the generator wrote no success response for ${openapi.method} ${openapi.path}`);
    const status = rest?.status ?? 200;
    const responses: Operation['responses'] = {};
    if (status === 204) responses['204'] = { description: 'done (no body)' };
    else {
      responses[status] = {
        ...ok,
        ...(status === 201 && { description: 'created' }),
        ...(rest?.location && {
          headers: {
            Location: {
              description: 'where what was created can be read',
              schema: { type: 'string', example: `${REST_PREFIX}${rest.location.replace('{id}', '42')}` },
            },
          },
        }),
      };
    }
    for (const [code, description] of Object.entries(errorsOf(procedure))) responses[code] = { description, ...error };
    operation.responses = responses;
  }
  return document;
}
