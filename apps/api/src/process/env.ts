// API settings from the environment (database settings live in @shop/db's loadDatabaseSettings).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from '@shop/db';
import { z } from 'zod';

/** The repository root: a relative WEB_ROOT is relative to it, as a relative DATABASE_URL path is. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
/** Where the web app's build goes (apps/web/dist): what NODE_ENV=production serves at `/` by default. */
export const BUILT_WEB_APP = path.join(REPO_ROOT, 'apps', 'web', 'dist');
/** The command that builds it, for a fresh checkout too (scripts/toolchain.mjs brings pnpm). */
export const BUILD_WEB_APP = 'node scripts/toolchain.mjs pnpm --filter @shop/web build';

const isBuiltWebApp = (folder: string) => existsSync(path.join(folder, 'index.html'));

const ApiEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  API_MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(20),
  API_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** A built web app to serve at `/`, as an absolute path (a relative one is resolved from the repository root). */
  WEB_ROOT: z
    .string()
    .trim()
    .min(1)
    .transform((folder, context) => {
      const absolute = path.resolve(REPO_ROOT, folder);
      if (isBuiltWebApp(absolute)) return absolute;
      context.issues.push({
        code: 'custom',
        input: folder,
        message: `${absolute} has no index.html: point WEB_ROOT at a built web app (${BUILD_WEB_APP} builds apps/web/dist)`,
      });
      return z.NEVER;
    })
    .optional(),
  /** pretty: one human-readable line per request (the default in development); json: JSON lines. */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  /** Sign-ups one client address may make per hour (each costs an argon2 hash; shared by all processes). */
  API_SIGNUPS_PER_ADDRESS_HOUR: z.coerce.number().int().min(1).default(10),
  /** Processes serving the port (node:cluster); 1 serves in the main process itself. */
  API_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
});

export type ApiSettings = z.infer<typeof ApiEnv>;

/**
 * Reads the API's variables; throws one clear line (an EnvError) when they are unusable. Without WEB_ROOT,
 * NODE_ENV=production serves `builtWebApp` (apps/web/dist) when it holds a build.
 */
export function loadApiSettings(env: NodeJS.ProcessEnv = process.env, builtWebApp = BUILT_WEB_APP): ApiSettings {
  const settings = parseEnv(ApiEnv, env);
  if (settings.WEB_ROOT || settings.NODE_ENV !== 'production' || !isBuiltWebApp(builtWebApp)) return settings;
  return { ...settings, WEB_ROOT: builtWebApp };
}

/** Why a production API serves no web app at `/`, as one line for its log; null when it serves one. */
export function missingWebApp(settings: ApiSettings, builtWebApp = BUILT_WEB_APP): string | null {
  if (settings.NODE_ENV !== 'production' || settings.WEB_ROOT) return null;
  return `no built web app at ${builtWebApp}: serving the API only (build it with ${BUILD_WEB_APP}, or set WEB_ROOT)`;
}
