// Security headers on every answer, from helmet (the maintained set: CSP, nosniff, frame refusal, referrer
// policy, cross-origin isolation, HSTS). helmet's values are computed once per policy and set on each reply
// (@fastify/helmet builds helmet's middleware again on every request). Two policies:
//
// - everything (the web app, the API): scripts, styles, fonts, images and requests from this origin only,
//   no frames of it anywhere (clickjacking), no plugins, no <base> or form targets elsewhere. The web app
//   keeps its bearer token in sessionStorage: the CSP is what stops an injected script from reading it.
// - the API reference at /api/docs and /docs (Scalar): also its inline styles, and its one inline script,
//   allowed by its SHA-256 (computed from the page as served), never 'unsafe-inline' scripts.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import type { ApiApp } from './server.ts';

type CspDirectives = Record<string, string[]>;

const APP_CSP: CspDirectives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

const docsCsp = (scriptHashes: string[]): CspDirectives => ({
  ...APP_CSP,
  'script-src': ["'self'", ...scriptHashes.map((hash) => `'sha256-${hash}'`)],
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'", 'data:'],
});

/** The headers helmet sets for `directives`, captured once from its middleware. */
function headersOf(directives: CspDirectives): Record<string, string> {
  const options: HelmetOptions = {
    // Only these directives: helmet's defaults add upgrade-insecure-requests, which would break plain HTTP.
    contentSecurityPolicy: { useDefaults: false, directives },
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
  };
  const headers: Record<string, string> = {};
  const capture = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: () => {},
  } as unknown as ServerResponse;
  helmet(options)({} as never, capture, () => {});
  return headers;
}

const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g;
const isDocs = (url: string) => /^\/(api\/)?docs(\/|$|\?)/.test(url);

export function securityHeaders(app: ApiApp): void {
  const everywhere = headersOf(APP_CSP);
  const docsPolicies = new Map<string, string>();
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(everywhere);
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (typeof payload === 'string' && isDocs(request.url) && payload.includes('<script')) {
      const hashes = [...payload.matchAll(INLINE_SCRIPT)].map(([, body]) =>
        createHash('sha256')
          .update(body ?? '')
          .digest('base64'),
      );
      const key = hashes.join(' ');
      let policy = docsPolicies.get(key);
      if (!policy) {
        policy = headersOf(docsCsp(hashes))['content-security-policy'] as string;
        docsPolicies.set(key, policy);
      }
      reply.header('content-security-policy', policy);
    }
    done(null, payload);
  });
}
