// @shop/client as another repository gets it: `pnpm pack` (which builds dist/), `npm install` of the tarball in
// a scratch project outside the workspace, `tsc` over calls that must and must not compile, and the compiled
// calls against a running API (SQLite). The packed client holds no server code and names no server types.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@shop/db/testing';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../db/server.ts';

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const TSC = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');

interface Run {
  code: number | null;
  output: string;
}

/** Runs a command to its end without blocking this process (the API under test answers meanwhile). */
function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(`${command} is not on PATH (run the tests through npm test)`) : error),
    );
    child.once('close', (code) => resolve({ code, output: output.trim() }));
  });
}

async function succeed(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${result.output}`);
  return result.output;
}

const consumerTsconfig = {
  compilerOptions: {
    target: 'es2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    lib: ['es2022', 'dom'],
    types: [],
    strict: true,
    // As most projects have it: tRPC's own declarations need @types/node and ws, which a client need not have.
    skipLibCheck: true,
    outDir: 'out',
    rootDir: '.',
  },
  files: ['consumer.ts'],
};

/** Typed calls another repository would write; the one marked @ts-expect-error must not compile. */
const consumerSource = (
  url: string,
  productId: number,
) => `import { createShopClient, isShopClientError, type RouterInputs, type RouterOutputs } from '@shop/client';

const shop = createShopClient({ url: ${JSON.stringify(url)} });
const live: RouterOutputs['health']['live'] = await shop.health.live.query();
const product = await shop.products.byId.query({ id: ${productId} });
const price: string = product.price;
// @ts-expect-error prices are decimal strings, not numbers
const asNumber: number = product.price;
const filter: RouterInputs['products']['list'] = { orderBy: 'price', direction: 'asc', perPage: 5 };
const page = await shop.products.list.query(filter);
let refused: string | undefined;
try {
  // @ts-expect-error products.byId takes a numeric id
  await shop.products.byId.query({ id: 'one' });
} catch (error) {
  refused = isShopClientError(error) ? error.data?.code : String(error);
}
console.log(JSON.stringify({
  live: live.status,
  name: product.name,
  price,
  createdAtIsDate: product.createdAt instanceof Date,
  listed: page.items.map((item) => item.name),
  asNumber,
  refused,
}));
`;

const wrongSource = `import { createShopClient } from '@shop/client';

const shop = createShopClient({ url: 'http://127.0.0.1:1/trpc' });
void shop.products.byId.query({ id: 'one' });
`;

let scratch = '';
let installed = '';
let db: TestDatabase | undefined;
let api: RunningApi | undefined;
let productId = 0;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'shop-client-consumer-'));
  await succeed('pnpm', ['pack', '--pack-destination', scratch], PACKAGE_DIR);
  const tarball = (await readdir(scratch)).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`pnpm pack wrote no tarball into ${scratch}`);
  await writeFile(
    path.join(scratch, 'package.json'),
    JSON.stringify({ name: 'shop-client-consumer', private: true, type: 'module' }),
  );
  // From the registry, or npm's cache when it already holds @trpc/client, @trpc/server and superjson. Retries
  // bounded to seconds: a registry npm cannot reach (a TLS proxy's CA not passed on) fails with npm's own
  // reason well within this hook's time, not as a bare hook timeout.
  const retries = ['--fetch-retries=2', '--fetch-retry-mintimeout=1000', '--fetch-retry-maxtimeout=5000'];
  await succeed('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...retries, `./${tarball}`], scratch);
  installed = path.join(scratch, 'node_modules/@shop/client');

  db = await createTestDatabase('sqlite');
  api = await startApi(db);
  const category = await api.client.categories.create.mutate({ name: 'Books' });
  productId = (await api.client.products.create.mutate({ name: 'Novel', price: '12.5', categoryId: category.id })).id;
  await writeFile(path.join(scratch, 'consumer.ts'), consumerSource(api.url, productId));
  await writeFile(path.join(scratch, 'wrong.ts'), wrongSource);
  await writeFile(path.join(scratch, 'tsconfig.json'), JSON.stringify(consumerTsconfig));
  await writeFile(
    path.join(scratch, 'tsconfig.bundler.json'),
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { module: 'preserve', moduleResolution: 'bundler', noEmit: true },
    }),
  );
  await writeFile(
    path.join(scratch, 'tsconfig.declarations.json'),
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { noEmit: true, skipLibCheck: false },
      files: ['node_modules/@shop/client/dist/index.d.ts'],
    }),
  );
  await writeFile(
    path.join(scratch, 'tsconfig.wrong.json'),
    JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true }, files: ['wrong.ts'] }),
  );
}, 240_000);

afterAll(async () => {
  await api?.server.close();
  await db?.destroy();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the packed @shop/client in a project outside the workspace', () => {
  it('ships the built client only: dist/index.js and dist/index.d.ts, exported with its dependencies resolved', async () => {
    const files = (await readdir(installed, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(installed, path.join(entry.parentPath, entry.name)))
      .sort();
    expect(files).toEqual(['LICENSE', 'README.md', 'dist/index.d.ts', 'dist/index.js', 'package.json']);
    const manifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8'));
    expect(manifest.exports).toEqual({ '.': { types: './dist/index.d.ts', default: './dist/index.js' } });
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@trpc/client', '@trpc/server', 'superjson']);
    expect(JSON.stringify(manifest)).not.toMatch(/workspace:|catalog:|src\/index\.ts/);
    // npm installed the client's dependencies and nothing of the server.
    const packages = await readdir(path.join(scratch, 'node_modules'));
    for (const server of ['fastify', 'pino', '@mikro-orm', 'better-sqlite3', 'zod'])
      expect(packages).not.toContain(server);
    expect(await readdir(path.join(scratch, 'node_modules/@shop'))).toEqual(['client']);
  });

  it('its JavaScript imports only @trpc/client and superjson; its declarations name only @trpc/client and @trpc/server', async () => {
    const bundle = await rolldown({
      input: path.join(installed, 'dist/index.js'),
      external: (id) => !id.startsWith('.') && !path.isAbsolute(id),
      logLevel: 'silent',
    });
    const { output } = await bundle.generate({ format: 'esm' });
    await bundle.close();
    const [chunk] = output;
    expect([...chunk.imports, ...chunk.dynamicImports].sort()).toEqual(['@trpc/client', 'superjson']);

    const declarations = await readFile(path.join(installed, 'dist/index.d.ts'), 'utf8');
    const named = [
      ...declarations.matchAll(/\bfrom\s*["']([^"']+)["']/g),
      ...declarations.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
      ...declarations.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
      ...declarations.matchAll(/<reference\s+(?:types|path)=["']([^"']+)["']/g),
    ].map((match) => match[1]);
    expect([...new Set(named)].sort()).toEqual(['@trpc/client', '@trpc/server']);
    for (const file of ['dist/index.js', 'dist/index.d.ts']) {
      const text = await readFile(path.join(installed, file), 'utf8');
      for (const server of ['@shop/', '@mikro-orm', 'fastify', 'pino', 'kysely']) expect(text).not.toContain(server);
    }
    // The declarations carry the procedures themselves (AppRouter is bundled, not imported).
    expect(declarations).toMatch(/byId: import\("@trpc\/server"\)\.TRPCQueryProcedure</);
  });

  it('typechecks: the right calls compile under nodenext and bundler resolution, a wrong input does not', async () => {
    // Exit 0 also proves the @ts-expect-error line is an error: an unused directive fails the build.
    expect(await run(process.execPath, [TSC, '-p', 'tsconfig.json', '--noEmit'], scratch)).toEqual({
      code: 0,
      output: '',
    });
    expect(await run(process.execPath, [TSC, '-p', 'tsconfig.bundler.json'], scratch)).toEqual({ code: 0, output: '' });
    // The bundled declarations themselves have no error (a type dropped by the bundler would be one); those
    // reported inside tRPC's declarations are the ones skipLibCheck hides from every project.
    const declarations = await run(process.execPath, [TSC, '-p', 'tsconfig.declarations.json'], scratch);
    const errors = declarations.output.split('\n').filter((line) => line.includes('error TS'));
    expect(errors.filter((line) => !line.startsWith('node_modules/@trpc/'))).toEqual([]);
    const wrong = await run(process.execPath, [TSC, '-p', 'tsconfig.wrong.json'], scratch);
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toContain("wrong.ts(4,33): error TS2322: Type 'string' is not assignable to type 'number'.");
  }, 60_000);

  it('the compiled calls reach a running API, with Dates and decimals typed, and the wrong input refused', async () => {
    await succeed(process.execPath, [TSC, '-p', 'tsconfig.json'], scratch);
    const output = await succeed(process.execPath, ['out/consumer.js'], scratch);
    expect(JSON.parse(output)).toEqual({
      live: 'ok',
      name: 'Novel',
      price: '12.50',
      createdAtIsDate: true,
      listed: ['Novel'],
      asNumber: '12.50',
      refused: 'BAD_REQUEST',
    });
  }, 60_000);
});
