// tRPC calls answered without tRPC's fetch adapter. The adapter turns every request into a fetch Request
// (URL, Headers, an AbortController per call), resolves it, builds a Response and streams its body back
// through fastify: for one small call that costs as much as the procedure itself. A single GET query or POST
// mutation, or a batched GET of queries (`?batch=1`, httpBatchLink), is answered here instead, by the steps of
// tRPC's resolveResponse (its public pieces: the procedure's own call, getTRPCErrorShape,
// transformTRPCResponse, getHTTPStatusCode), and written as the same status, content-type, vary, retry-after
// (trpc-plugin.ts's responseMeta) and body.
// A request this file cannot answer exactly as the adapter would (a stream, another method or content type,
// a query parameter besides `input` and `batch=1`, a percent sign in the path, a body starting with a byte
// order mark, a batch of mutations, a batch too large, naming an unknown procedure or holding an input that
// does not decode) is left to it.
// test/trpc-direct.test.ts compares both paths, byte for byte, for every procedure.
import {
  type AnyTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  TRPCError,
  transformTRPCResponse,
} from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
import type { TRPCResponse } from '@trpc/server/rpc';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { retryHeaders } from '../trpc/errors.ts';
import type { Context } from '../trpc/init.ts';
import { appRouter } from '../trpc/router.ts';
import { serializeOutputJson } from '../trpc/wire-format.ts';
import type { TrpcErrorListener } from './trpc-plugin.ts';

const config = appRouter._def._config;
// At run time `procedures` is flat: "products.byId" → its procedure (its type is the nested router record).
const PROCEDURES = new Map(Object.entries(appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>));
const BYTE_ORDER_MARK = '\uFEFF';

type ProcedureType = 'query' | 'mutation';

export interface DirectOptions {
  contextOf: (request: FastifyRequest) => Context;
  onError: TrpcErrorListener;
  maxBatchSize: number;
}

/** What the request asks for, or `false` when the adapter must answer it. */
interface Parsed {
  type: ProcedureType;
  procedures: AnyTRPCProcedure[];
  paths: string[];
  batch: boolean;
  /** The input's JSON text (undefined: none). */
  text: string | undefined;
}

function parse(request: FastifyRequest, path: string, maxBatchSize: number): Parsed | false {
  // tRPC decodes the path once more (decodeURIComponent) after the router did.
  if (path.includes('%')) return false;
  const method = request.method;
  const type: ProcedureType | undefined = method === 'GET' ? 'query' : method === 'POST' ? 'mutation' : undefined;
  if (!type) return false;
  const { accept, 'trpc-accept': trpcAccept, 'content-type': contentType } = request.headers;
  // A streaming client asks for JSON lines (tRPC answers a non-batched one with an error of its own).
  if (trpcAccept !== undefined || accept?.includes('application/jsonl')) return false;
  const json = contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
  if (contentType !== undefined && !json) return false;

  const url = request.url;
  const query = url.indexOf('?');
  let batch = false;
  let input: string | undefined;
  if (query !== -1) {
    // tRPC reads the query with URLSearchParams (not fastify's parser): the same here.
    for (const [key, value] of new URLSearchParams(url.slice(query + 1))) {
      if (key === 'batch' && value === '1' && !batch) batch = true;
      else if (key === 'input' && type === 'query' && input === undefined) input = value;
      else return false;
    }
  }

  // The calls of a batch run side by side, as tRPC runs them: which of two mutations commits first would then
  // depend on how each path schedules them, so a batch of mutations is left to the adapter.
  if (batch && type === 'mutation') return false;
  const paths = batch ? path.split(',') : [path];
  if (paths.length > maxBatchSize) return false;
  const procedures: AnyTRPCProcedure[] = [];
  for (const each of paths) {
    const procedure = PROCEDURES.get(each);
    if (procedure?._def.type !== type) return false;
    procedures.push(procedure);
  }

  if (type === 'query') return { type, procedures, paths, batch, text: input };
  const body = request.body;
  // fastify decoded the bytes as UTF-8 (bad sequences become U+FFFD, as Request.json() does); but
  // Request.json() also drops a leading byte order mark, which JSON.parse refuses: such bodies go to it.
  if (!json || typeof body !== 'string' || body.length === 0 || body.startsWith(BYTE_ORDER_MARK)) return false;
  return { type, procedures, paths, batch, text: body };
}

/** tRPC's getRawInput of a single call: an empty input is no input; parse and decoding errors are a BAD_REQUEST. */
function singleInput(text: string | undefined): unknown {
  try {
    return text ? config.transformer.input.deserialize(JSON.parse(text)) : undefined;
  } catch (cause) {
    if (cause instanceof TRPCError) throw cause;
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: cause instanceof Error ? cause.message : 'Invalid input',
      cause,
    });
  }
}

/**
 * The inputs of a batch, decoded before any call runs (tRPC decodes them all on the first call's read), or
 * `false` when they do not decode: the adapter then answers with its error for each call.
 */
function batchInputs(text: string | undefined, count: number): unknown[] | false {
  const inputs = new Array<unknown>(count).fill(undefined);
  if (!text) return inputs;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
    for (let index = 0; index < count; index++) {
      const value = (parsed as Record<number, unknown>)[index];
      if (value !== undefined) inputs[index] = config.transformer.input.deserialize(value);
    }
    return inputs;
  } catch {
    return false;
  }
}

const asText = (payload: unknown) => payload as string;

export async function answerDirectly(
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  { contextOf, onError, maxBatchSize }: DirectOptions,
): Promise<boolean> {
  const parsed = parse(request, path, maxBatchSize);
  if (!parsed) return false;
  const { type, procedures, paths, batch, text } = parsed;
  const decoded = batch ? batchInputs(text, paths.length) : undefined;
  if (decoded === false) return false;

  // tRPC's call.result(): a call's input once any call has read the inputs (undefined before, or when they
  // did not decode), given to onError and the error formatter.
  let read = false;
  let single: unknown;
  const inputOf = (index: number) => (!read ? undefined : decoded ? decoded[index] : single);
  const ctx = contextOf(request);
  const outcomes = await Promise.all(
    procedures.map(async (procedure, index) => {
      const path = paths[index] ?? '';
      const getRawInput = async () => {
        if (!decoded) single = singleInput(text);
        read = true;
        return inputOf(index);
      };
      try {
        return { data: await procedure({ path, getRawInput, ctx, type, signal: undefined, batchIndex: index }) };
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        onError({ error, path, input: inputOf(index), ctx, type, req: request });
        return { error };
      }
    }),
  );
  // As tRPC does, the errors are shaped once every call has ended (the formatter sees the inputs read by then).
  const answers = outcomes.map((outcome, index): TRPCResponse => {
    if (!outcome.error) return { result: { data: outcome.data } };
    const path = paths[index] ?? '';
    return { error: getTRPCErrorShape({ config, ctx, error: outcome.error, input: inputOf(index), path, type }) };
  });
  // The JSON of transformTRPCResponse(config, answer): a result's data written by the transformer's own
  // encoder straight to text (serializeOutputJson, without the objects of superjson's meta), an error as tRPC does.
  const texts = answers.map((answer) =>
    'result' in answer
      ? `{"result":{"data":${serializeOutputJson(answer.result.data)}}}`
      : JSON.stringify(transformTRPCResponse(config, answer)),
  );
  const status = getHTTPStatusCode(batch ? answers : (answers[0] as TRPCResponse));
  const retry = retryHeaders(status);
  if (retry) reply.headers(retry);
  reply
    .code(status)
    .header('vary', 'trpc-accept, accept')
    .header('content-type', 'application/json')
    // A reply serializer of its own keeps fastify from appending "; charset=utf-8" to the content type of a
    // string; a string (not a Buffer) lets node write the head and the body in one write.
    .serializer(asText)
    .send(batch ? `[${texts.join(',')}]` : texts[0]);
  return true;
}
