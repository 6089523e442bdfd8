// The client imports AppRouter as a type only: a production bundle must contain no server code.
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { expect, it } from 'vitest';

it('bundles without any server or database code', async () => {
  const bundle = await rolldown({
    input: fileURLToPath(new URL('../../src/index.ts', import.meta.url)),
    platform: 'browser',
    logLevel: 'silent',
  });
  const { output } = await bundle.generate({ format: 'esm' });
  await bundle.close();
  const code = output.map((chunk) => ('code' in chunk ? chunk.code : '')).join('\n');
  expect(code).toContain('httpBatchLink');
  for (const serverOnly of [
    '@mikro-orm',
    '@shop/db',
    '@shop/api',
    'better-sqlite3',
    'pino',
    'defineEntity',
    'createHTTPServer',
  ]) {
    expect(code).not.toContain(serverOnly);
  }
}, 60_000);
