// A REST request made into its procedure's input: path and query strings converted per field, strictly; a
// JSON body taken as it is, except that it is flat where the tRPC input nests it (`rest(…, { body: 'patch' })`)
// and that money may be a JSON number. The procedures' zod schemas are read, never changed: tRPC calls keep
// their strict inputs (no "1" for an id, no number for a price).
import { TRPCError } from '@trpc/server';
import type { FastifyRequest } from 'fastify';
import { ZodError, ZodRealError, type ZodType, type z } from 'zod';
import { isMoney } from '../trpc/schemas.ts';
import type { Procedure } from './openapi.ts';

type Wrapped = { def: { type: string; innerType?: unknown; element?: unknown }; shape?: Record<string, unknown> };
const WRAPPERS = ['optional', 'nullable', 'default', 'prefault'];
const unwrap = (schema: unknown) => {
  let inner = schema as Wrapped | undefined;
  while (inner && WRAPPERS.includes(inner.def.type)) inner = inner.def.innerType as Wrapped;
  return inner;
};

/** The input's fields (an object schema's shape, without wrappers); none for other inputs. */
const fieldsOf = (input: unknown): Record<string, unknown> => unwrap(input)?.shape ?? {};

/** The zod schema of one input field; own fields only (never `constructor`). */
const fieldOf = (input: unknown, key: string) => {
  const fields = fieldsOf(input);
  return Object.hasOwn(fields, key) ? fields[key] : undefined;
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
    const type = unwrap(fieldOf(input, key))?.def.type;
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

/** At most two decimals, no sign and no exponent, as JavaScript writes the number back (12.5, never 1e21). */
const MONEY_NUMBER = /^\d+(\.\d{1,2})?$/;

/** Records a number that cannot be money as an issue at its path (the 400 comes before the procedure runs). */
function refuse(issues: z.core.$ZodIssue[], path: PropertyKey[], input: number, shown: string) {
  const message = `must be money: a JSON number with at most 2 decimal places, or a decimal string such as "12.50"; ${shown} is neither (it is never rounded)`;
  issues.push({ code: 'custom', path, input, message });
  return input;
}

/**
 * Money fields given as JSON numbers become the decimal string the schema takes: 12.5 is "12.5", then
 * checked by the schema like any string (digits within the column). A number with more decimals (12.345) or
 * none JSON can hold (1e400, read as Infinity) is an issue at its path: never rounded. A JSON number is read
 * as a double, so it is taken by its value: 12.50 and 12.5 are the same, and a string stays exact.
 */
function moneyFromNumbers(schema: unknown, value: unknown, path: PropertyKey[], issues: z.core.$ZodIssue[]): unknown {
  const type = unwrap(schema);
  if (!type) return value;
  if (typeof value === 'number') {
    if (!isMoney(type as unknown as ZodType)) return value;
    const written = String(value);
    if (!Number.isFinite(value)) return refuse(issues, path, value, 'a number beyond what JSON holds (Infinity)');
    // A sign is refused by the schema itself, in its own words (as "-1" would be).
    if (MONEY_NUMBER.test(written) || written.startsWith('-')) return written;
    return refuse(issues, path, value, written);
  }
  if (Array.isArray(value)) {
    if (type.def.type !== 'array') return value;
    return value.map((item, index) => moneyFromNumbers(type.def.element, item, [...path, index], issues));
  }
  if (value !== null && typeof value === 'object' && type.shape) {
    const converted: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value))
      converted[key] = moneyFromNumbers(fieldOf(type, key), field, [...path, key], issues);
    return converted;
  }
  return value;
}

/**
 * A 400 for the body's own problems, in zod's shape: `data.zodError.fieldErrors` names each field. (A
 * `ZodRealError`, as zod's parse throws: a plain `ZodError` is not an Error, and tRPC would wrap it away.)
 */
const invalidBody = (issues: z.core.$ZodIssue[]) =>
  new TRPCError({ code: 'BAD_REQUEST', cause: new ZodRealError(issues) });

/** The schema of a route's JSON body: the input's, or its nested field's (`rest(…, { body })`). */
export const bodySchemaOf = (procedure: Procedure) => {
  const input = procedure._def.inputs[0];
  const nested = procedure._def.meta?.rest?.body;
  return nested ? fieldOf(input, nested) : input;
};

/** The procedure's input from the request's path, query (GET, DELETE) or JSON body. */
export function inputOf(procedure: Procedure, request: FastifyRequest): unknown {
  const schema = procedure._def.inputs[0];
  const method = request.method;
  if (!schema) return undefined; // a route without input ignores its query (a probe's cache buster)
  const query = request.query as Record<string, unknown>;
  if (method === 'GET' || method === 'DELETE') refuseUnknownQueryKeys(schema, query);
  const params = fromStrings(schema, request.params as Record<string, unknown>);
  if (method === 'GET' || method === 'DELETE') return { ...fromStrings(schema, query), ...params };
  // A JSON body was held to the input limits (depth, prototype keys) by its parser (json-body.ts).
  const raw = request.body ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return raw; // zod answers 400
  const nested = procedure._def.meta?.rest?.body;
  const bodySchema = bodySchemaOf(procedure);
  if (nested && Object.hasOwn(raw, nested) && !Object.hasOwn(fieldsOf(bodySchema), nested)) {
    const message = `not a field: send the fields flat (the body is the fields themselves), not inside "${nested}"`;
    throw invalidBody([{ code: 'custom', path: [nested], input: raw, message }]);
  }
  const issues: z.core.$ZodIssue[] = [];
  const body = moneyFromNumbers(bodySchema, raw, [], issues) as Record<string, unknown>;
  if (issues.length > 0) throw invalidBody(issues);
  return nested ? { ...params, [nested]: body } : { ...body, ...params };
}

/**
 * An error of a procedure whose tRPC input nests the REST body: its field paths as the body has them
 * (`price`, not `patch.price`), so `data.zodError.fieldErrors` names the body's fields.
 */
export function asRestError(procedure: Procedure, error: TRPCError): TRPCError {
  const nested = procedure._def.meta?.rest?.body;
  if (!nested || !(error.cause instanceof ZodError)) return error;
  const issues = error.cause.issues.map((issue) =>
    issue.path[0] === nested ? { ...issue, path: issue.path.slice(1) } : issue,
  );
  return new TRPCError({ code: error.code, message: error.message, cause: new ZodRealError(issues) });
}
