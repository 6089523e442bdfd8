// What `pnpm dev` and production print: readable lines in development (a request per line; other lines with
// their fields and an error's stack), JSON lines in production.
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from '../../src/process/logger.ts';

function capture(format: 'pretty' | 'json') {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  const log = createLogger({ LOG_LEVEL: 'info', LOG_FORMAT: format }, {}, out);
  return { log, lines: () => text.trimEnd().split('\n') };
}

it('prints readable lines in development: requests, messages with their fields, errors with their stack', () => {
  const { log, lines } = capture('pretty');
  log
    .child({ requestId: 'r1' })
    .info({ method: 'GET', path: '/trpc/products.list', status: 200, durationMs: 1.25 }, 'request');
  log.info({ url: 'http://127.0.0.1:3000/trpc', database: 'sqlite data/dev.db' }, 'shop-api listening');
  log.error({ path: 'accounts.transfer', err: new Error('connection lost') }, 'procedure failed');
  const [request, listening, failed, stack] = lines();
  expect(request).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: GET \/trpc\/products\.list 200 1\.25 ms$/);
  expect(listening).toMatch(
    /INFO: shop-api listening url=http:\/\/127\.0\.0\.1:3000\/trpc database=sqlite data\/dev\.db$/,
  );
  expect(failed).toMatch(/ERROR: procedure failed path=accounts\.transfer$/);
  expect(stack).toBe('Error: connection lost');
  expect(lines().join('\n')).toContain('logging.test.ts'); // the stack's frames follow
  expect(lines().join('\n')).not.toMatch(/requestId|"pid"/);
});

it('prints one JSON object per line in production, with the service, pid and fields', () => {
  const { log, lines } = capture('json');
  log.info({ url: 'http://127.0.0.1:3000/trpc' }, 'shop-api listening');
  const line = JSON.parse(lines()[0] ?? '');
  expect(line).toMatchObject({
    level: 30,
    service: 'shop-api',
    pid: process.pid,
    url: 'http://127.0.0.1:3000/trpc',
    msg: 'shop-api listening',
  });
});
