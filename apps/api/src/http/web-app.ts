// The built web app (apps/web/dist) at `/`: hashed assets cached for a year, index.html never cached, and
// any other GET that asks for HTML answered with index.html (the SPA's client-side routes survive reloads).
import fastifyStatic from '@fastify/static';
import type { FastifyPluginCallback } from 'fastify';

export interface WebAppOptions {
  root: string;
}

export const webAppPlugin: FastifyPluginCallback<WebAppOptions> = (app, { root }, done) => {
  app.register(fastifyStatic, {
    root,
    prefix: '/',
    // Directory listings and `index.html` lookups are not needed: `/` is the one index.
    index: ['index.html'],
    list: false,
    setHeaders(res, filePath) {
      res.header(
        'cache-control',
        /[/\\]assets[/\\]/.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  done();
};

/** A request for a page of the app rather than for data or a file: answered with index.html. */
export const wantsAppPage = (method: string, url: string, accept: string | undefined) =>
  (method === 'GET' || method === 'HEAD') &&
  !url.startsWith('/trpc') &&
  !url.startsWith('/api/') &&
  !/\.[a-z0-9]+(\?|$)/i.test(url) &&
  (accept ?? '').includes('text/html');
