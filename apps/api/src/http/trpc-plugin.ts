// The app router under /trpc. A single call (a GET query or a POST mutation) or a batched GET of queries, not
// streamed, is answered by trpc-direct.ts, which calls the procedures as tRPC's fetch adapter would and writes
// the same answer without building a fetch Request and Response around it; everything else (streams, batched
// mutations, method and content-type errors, undecodable batches, odd URLs) goes to tRPC's own fastify
// handler, unchanged.
import { TRPCError } from '@trpc/server';
import { type FastifyTRPCPluginOptions, fastifyRequestHandler } from '@trpc/server/adapters/fastify';
import { getHTTPStatusCode, resolveResponse } from '@trpc/server/http';
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { FASTIFY_ERRORS, isServerFault, retryHeaders } from '../trpc/errors.ts';
import type { Context } from '../trpc/init.ts';
import { malformed, nestsDeeperThan, TOO_DEEP } from '../trpc/input-decoder.ts';
import { type AppRouter, appRouter } from '../trpc/router.ts';
import { answerDirectly } from './trpc-direct.ts';

export interface TrpcPluginOptions {
  contextOf: (req: FastifyRequest) => Context;
  maxBatchSize: number;
  /** false: every call through tRPC's fastify handler (the reference the direct path is tested against). */
  directCalls: boolean;
}

type TrpcOptions = FastifyTRPCPluginOptions<AppRouter>['trpcOptions'];
export type TrpcErrorListener = NonNullable<TrpcOptions['onError']>;

export const trpcPlugin: FastifyPluginCallback<TrpcPluginOptions> = (
  app,
  { contextOf, maxBatchSize, directCalls },
  done,
) => {
  const onError: TrpcErrorListener = ({ error, path, req }) => {
    if (isServerFault(error)) req.log.error({ path, err: error.cause ?? error }, 'procedure failed');
  };
  const trpcOptions = {
    router: appRouter,
    maxBatchSize,
    createContext: ({ req }) => contextOf(req),
    onError,
    // A 503 (the database unavailable) says when to try again; the direct path adds the same header.
    responseMeta: ({ data }) => {
      const headers = data.length ? retryHeaders(getHTTPStatusCode(data)) : undefined;
      return headers ? { headers } : {};
    },
  } satisfies TrpcOptions;

  // As tRPC's fastify plugin does: bodies reach tRPC as text, which it parses itself.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, parsed) => parsed(null, body));
  app.removeContentTypeParser('multipart/form-data');
  app.addContentTypeParser('multipart/form-data', {}, (_request, body, parsed) => parsed(null, body));

  // A text nested too deeply is refused before it is parsed (input-decoder.ts), answered like the errors below.
  app.addHook('preHandler', (request, _reply, next) => {
    const body = request.body;
    const input = (request.query as { input?: unknown }).input;
    for (const text of [body, input]) {
      if (typeof text === 'string' && nestsDeeperThan(text)) {
        return next(Object.assign(malformed(TOO_DEEP), { statusCode: 400 }));
      }
    }
    next();
  });

  // Errors fastify raises before tRPC sees the request are answered as tRPC errors, so clients get one shape.
  // The body limit is fastify's (`bodyLimit`: it reads JSON bodies before tRPC runs, and tRPC's own
  // maxBodySize only covers bodies it streams itself); its 413 is turned into tRPC's PAYLOAD_TOO_LARGE.
  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    const code = FASTIFY_ERRORS[error.statusCode ?? 500];
    if (!code) throw error;
    const headers = new Headers();
    for (const name of ['content-type', 'accept', 'trpc-accept']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers.set(name, value);
    }
    const params = request.params as { path?: string };
    // Neither the body nor the query's input is read again: the error short-circuits every call before its
    // input is parsed. Only `batch` decides the answer's shape (a refused input can be 1 MB of query).
    const batch = (request.query as { batch?: unknown }).batch === '1' ? '?batch=1' : '';
    const url = `http://localhost${request.url.split('?', 1)[0]}${batch}`;
    const response = await resolveResponse({
      router: appRouter,
      req: new Request(url, { method: request.method, headers }),
      path: params.path ?? '',
      error: new TRPCError({ code, message: error.message }),
      createContext: () => Promise.resolve(contextOf(request)),
      maxBatchSize,
      onError: (o) => onError({ ...o, req: request }),
    });
    return reply.send(response);
  });

  app.all('/:path', async (request, reply) => {
    const path = (request.params as { path: string }).path;
    if (directCalls && (await answerDirectly(request, reply, path, { contextOf, onError, maxBatchSize }))) return reply;
    await fastifyRequestHandler({ ...trpcOptions, req: request, res: reply, path });
    return reply;
  });
  done();
};
