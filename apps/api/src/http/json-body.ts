// The JSON body parser for every route (tRPC and REST): fastify's own answers a body with a `__proto__` key
// "Body is not valid JSON", which sends the client looking for a syntax error. Here the refusal names the key,
// and a body that is not JSON says so in the API's words (never the engine's "Unexpected token … at position").
import { inputProblem, MAX_INPUT_DEPTH, nestsDeeperThan } from '../trpc/input-decoder.ts';
import type { ApiApp } from './server.ts';

/** A 400 that fastify's error handlers turn into the API's error shapes. */
class BodyError extends Error {
  readonly statusCode = 400;
}

export function parseJsonBodies(app: ApiApp): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(new BodyError('the body is empty; send JSON or no content-type'));
    if (nestsDeeperThan(text)) {
      return done(new BodyError(`the body nests deeper than ${MAX_INPUT_DEPTH} levels`));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(new BodyError('the body is not valid JSON'));
    }
    // JSON.parse makes such keys plain own properties; they are refused all the same (nothing here needs
    // them, and a later spread or merge could turn one into a prototype). Only texts that name one are walked.
    if (text.includes('__proto__') || text.includes('constructor')) {
      const problem = inputProblem(parsed);
      if (problem) return done(new BodyError(`${problem} in a JSON body`));
    }
    done(null, parsed);
  });
}
