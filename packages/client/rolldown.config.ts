// `pnpm run build` (also run by `pnpm pack`): the client as another repository installs it. dist/index.js is
// the ESM JavaScript (its only imports: @trpc/client, superjson); dist/index.d.ts holds every type, AppRouter's
// included, so neither names @shop/api nor @shop/db. Inside the workspace packages import src/ directly.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig, type Plugin } from 'rolldown';
import { dts } from 'rolldown-plugin-dts';

const here = (file: string) => path.resolve(import.meta.dirname, file);
const input = { index: here('src/index.ts') };
// AppRouter's declaration names the server's Context and Meta, whose types reach MikroORM, pino and
// trpc-to-openapi; the published declarations take build/server-context.d.ts in their place.
const SERVER_CONTEXT = here('../../apps/api/src/trpc/init.ts');
const PUBLISHED_CONTEXT = here('build/server-context.d.ts');

const isPackage = (id: string) => !id.startsWith('.') && !path.isAbsolute(id) && !id.startsWith('\0');

/** The packages a shipped file names: `from "x"`, `import "x"` and `import("x")` (inline types in .d.ts). */
function importedPackages(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm),
    ...code.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((match) => match[1] as string);
  return [...new Set(specifiers)].sort();
}

/** Fails the build when an output names a package outside `allowed` (the published package's dependencies). */
function onlyImports(allowed: string[]): Plugin {
  return {
    name: 'only-imports',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const stray = importedPackages(chunk.code).filter((id) => !allowed.includes(id));
        if (stray.length)
          this.error(`${chunk.fileName} imports ${stray.join(', ')}; it may import only ${allowed.join(', ')}`);
      }
    },
  };
}

function publishedServerContext(): Plugin {
  let replaced = false;
  return {
    name: 'published-server-context',
    resolveId: {
      // Before rolldown-plugin-dts's resolver, which would otherwise load the server's declaration.
      order: 'pre',
      handler(id, importer) {
        if (!importer?.endsWith('.d.ts') || !id.startsWith('.')) return null;
        if (path.resolve(path.dirname(importer), id) !== SERVER_CONTEXT) return null;
        replaced = true;
        return PUBLISHED_CONTEXT;
      },
    },
    buildEnd(error) {
      if (!error && !replaced) this.error(`no declaration imported ${SERVER_CONTEXT}: update SERVER_CONTEXT`);
    },
  };
}

/**
 * zod's `types` condition names CommonJS declarations (.d.cts), which rolldown-plugin-dts cannot bundle; its
 * ESM declarations sit beside the ESM files rolldown resolves, so zod's types resolve there instead.
 */
function zodEsmDeclarations(): Plugin {
  return {
    name: 'zod-esm-declarations',
    resolveId: {
      order: 'pre',
      handler(id, importer) {
        if (!importer?.endsWith('.d.ts') || !/^zod(\/|$)/.test(id)) return null;
        const declaration = createRequire(importer)
          .resolve(id)
          .replace(/\.c?js$/, '.d.ts');
        return existsSync(declaration) ? declaration : null;
      },
    },
  };
}

export default defineConfig([
  {
    input,
    platform: 'neutral',
    external: isPackage,
    checks: { bundlerTimings: false },
    plugins: [onlyImports(['@trpc/client', 'superjson'])],
    output: { dir: here('dist'), format: 'esm', cleanDir: true },
  },
  {
    input,
    // Bundled into the declarations: the workspace's packages (@shop/api's router, @shop/db's domain types)
    // and zod's JSONType (the metadata inputs); every other package stays an import.
    external: (id) => isPackage(id) && !id.startsWith('@shop/') && !/^zod(\/|$)/.test(id),
    checks: { bundlerTimings: false },
    plugins: [
      publishedServerContext(),
      zodEsmDeclarations(),
      dts({ tsconfig: here('tsconfig.build.json'), dtsOnly: true }),
      onlyImports(['@trpc/client', '@trpc/server']),
    ],
    output: { dir: here('dist'), format: 'esm' },
  },
]);
