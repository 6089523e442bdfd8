// One tRPC call answered without tRPC's fetch adapter. The adapter turns every request into a fetch Request
// (URL, Headers, an AbortController per call), resolves it, builds a Response and streams its body back
// through fastify: for one small call that costs as much as the procedure itself. A single GET query or POST
// mutation is answered here instead, by the steps of tRPC's resolveResponse for a non-batched call (its
// public pieces: the procedure's own call, getTRPCErrorShape, transformTRPCResponse, getHTTPStatusCode), and
// written as the same status, content-type, vary and body. A request this file cannot answer exactly as the
// adapter would (a batch, a stream, another method or content type, a query parameter besides `input`, a
// percent sign in the path, a body starting with a byte order mark) is left to it.
// test/trpc-direct.test.ts compares both paths, byte for byte, for every procedure.
import {
  type AnyTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  TRPCError,
  transformTRPCResponse,
} from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../trpc/init.ts';
import { appRouter } from '../trpc/router.ts';
import type { TrpcErrorListener } from './trpc-plugin.ts';

const config = appRouter._def._config;
// At run time `procedures` is flat: "products.byId" → its procedure (its type is the nested router record).
const PROCEDURES = new Map(Object.entries(appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>));
const METHOD_OF = { query: 'GET', mutation: 'POST' } as const;
const BYTE_ORDER_MARK = '\uFEFF';

/** The input text of a single call, or `false` when the adapter must answer the request. */
function inputText(request: FastifyRequest, procedure: AnyTRPCProcedure): string | undefined | false {
  const type = procedure._def.type;
  if (type === 'subscription' || request.method !== METHOD_OF[type]) return false;
  const { accept, 'trpc-accept': trpcAccept, 'content-type': contentType } = request.headers;
  // A streaming client asks for JSON lines (tRPC answers a non-batched one with an error of its own).
  if (trpcAccept !== undefined || accept?.includes('application/jsonl')) return false;
  const json = contentType?.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
  const url = request.url;
  const query = url.indexOf('?');
  if (type === 'mutation') {
    const body = request.body;
    // fastify decoded the bytes as UTF-8 (bad sequences become U+FFFD, as Request.json() does); but
    // Request.json() also drops a leading byte order mark, which JSON.parse refuses: such bodies go to it.
    if (!json || query !== -1 || typeof body !== 'string' || body.length === 0) return false;
    return body.startsWith(BYTE_ORDER_MARK) ? false : body;
  }
  if (contentType !== undefined && !json) return false;
  if (query === -1) return undefined;
  // tRPC reads the query with URLSearchParams (not fastify's parser): the same here.
  let input: string | undefined;
  for (const [key, value] of new URLSearchParams(url.slice(query + 1))) {
    if (key !== 'input' || input !== undefined) return false;
    input = value;
  }
  return input;
}

export async function answerDirectly(
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  { contextOf, onError }: { contextOf: (request: FastifyRequest) => Context; onError: TrpcErrorListener },
): Promise<boolean> {
  // tRPC decodes the path once more (decodeURIComponent) after the router did.
  const procedure = path.includes('%') ? undefined : PROCEDURES.get(path);
  if (!procedure) return false;
  const text = inputText(request, procedure);
  if (text === false) return false;

  const type = procedure._def.type;
  let input: unknown;
  // tRPC's getRawInput: an empty `input` is no input; parse and decoding errors are a BAD_REQUEST.
  const getRawInput = async () => {
    try {
      input = text ? config.transformer.input.deserialize(JSON.parse(text)) : undefined;
    } catch (cause) {
      if (cause instanceof TRPCError) throw cause;
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: cause instanceof Error ? cause.message : 'Invalid input',
        cause,
      });
    }
    return input;
  };
  const ctx = contextOf(request);
  let answer: Parameters<typeof transformTRPCResponse>[1];
  try {
    const data = await procedure({ path, getRawInput, ctx, type, signal: undefined, batchIndex: 0 });
    answer = { result: { data } };
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    onError({ error, path, input, ctx, type, req: request });
    answer = { error: getTRPCErrorShape({ config, ctx, error, input, path, type }) };
  }
  reply
    .code(getHTTPStatusCode(answer))
    .header('vary', 'trpc-accept, accept')
    .header('content-type', 'application/json')
    // As bytes: fastify would append "; charset=utf-8" to the content type of a string.
    .send(Buffer.from(JSON.stringify(transformTRPCResponse(config, answer))));
  return true;
}
