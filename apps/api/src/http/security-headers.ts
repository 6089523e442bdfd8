// Security headers on every answer, from helmet (the maintained set: CSP, nosniff, frame refusal, referrer
// policy, cross-origin isolation, HSTS). helmet's values are computed once per policy and set on each reply
// (@fastify/helmet builds helmet's middleware again on every request). Three policies:
//
// - pages and files (the web app, its assets): scripts, styles, fonts, images and requests from this origin
//   only, no frames of it anywhere (clickjacking), no plugins, no <base> or form targets elsewhere, and the
//   rest of helmet's set. The web app keeps its bearer token in sessionStorage: the CSP is what stops an
//   injected script from reading it.
// - the API reference at /api/docs and /docs (Scalar): also its inline styles, and its one inline script,
//   allowed by its SHA-256 (computed from the page as served), never 'unsafe-inline' scripts.
// - API answers (/trpc, /api, the probes): what OWASP's REST cheat sheet asks of JSON answers, nothing
//   that only a document reads: `default-src 'none'; frame-ancestors 'none'`, nosniff, DENY, HSTS and a
//   same-origin resource policy (5 headers instead of 12 on the hot path).
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

const API_CSP: CspDirectives = { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] };
/** helmet's headers that only a browser rendering a document reads. */
const DOCUMENT_ONLY: HelmetOptions = {
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/** The headers helmet sets for `directives`, captured once from its middleware. */
function headersOf(directives: CspDirectives, more: HelmetOptions = {}): Record<string, string> {
  const options = {
    // Only these directives: helmet's defaults add upgrade-insecure-requests, which would break plain HTTP.
    contentSecurityPolicy: { useDefaults: false, directives },
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
    ...more,
  } as HelmetOptions;
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
/** Answers of the API itself (JSON): everything under /trpc and /api but the reference, and the probes. */
const isApi = (url: string) =>
  url.startsWith('/trpc/') ||
  (url.startsWith('/api/') && !isDocs(url)) ||
  /^\/(healthz|readyz|openapi\.json)(\?|$)/.test(url);

export function securityHeaders(app: ApiApp): void {
  const pages = headersOf(APP_CSP);
  const api = headersOf(API_CSP, DOCUMENT_ONLY);
  const docsPolicies = new Map<string, string>();
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(isApi(request.url) ? api : pages);
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
