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
/** The command that builds it, for a fresh checkout too (the root script bootstraps the toolchain). */
export const BUILD_WEB_APP = 'npm run build';

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
  /** Prometheus metrics at http://METRICS_HOST:METRICS_PORT/metrics, a server of their own; unset or empty: none. */
  METRICS_PORT: z
    .string()
    .trim()
    .optional()
    .transform((text, context) => {
      if (!text) return undefined;
      if (/^\d{1,5}$/.test(text) && Number(text) <= 65_535) return Number(text);
      context.issues.push({
        code: 'custom',
        input: text,
        message: `"${text}" is not a port: 0 to 65535 (0: any free port), or unset for no metrics`,
      });
      return z.NEVER;
    }),
  /** Where the metrics server listens (default: HOST). */
  METRICS_HOST: z.string().trim().min(1).optional(),
  /** When set, a scrape needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,512}$/, 'at least 16 printable characters, no spaces (openssl rand -hex 32 makes one)')
    .optional(),
});

/** Rules across variables: metrics are asked for with METRICS_PORT, and never share the API's port. */
const CheckedApiEnv = ApiEnv.superRefine((env, context) => {
  const { METRICS_PORT, PORT } = env;
  if (METRICS_PORT === undefined && (env.METRICS_TOKEN !== undefined || env.METRICS_HOST !== undefined)) {
    const set = env.METRICS_TOKEN !== undefined ? 'METRICS_TOKEN' : 'METRICS_HOST';
    const message = `unset, so no metrics are served although ${set} is set: set METRICS_PORT too (e.g. 9464)`;
    context.addIssue({ code: 'custom', path: ['METRICS_PORT'], message });
  }
  if (METRICS_PORT !== undefined && METRICS_PORT !== 0 && METRICS_PORT === PORT) {
    const message = `${METRICS_PORT} is PORT too: metrics are never served on the API's port, pick another (e.g. 9464)`;
    context.addIssue({ code: 'custom', path: ['METRICS_PORT'], message });
  }
});

export type ApiSettings = z.infer<typeof ApiEnv>;

/**
 * Reads the API's variables; throws one clear line (an EnvError) when they are unusable. Without WEB_ROOT,
 * NODE_ENV=production serves `builtWebApp` (apps/web/dist) when it holds a build.
 */
export function loadApiSettings(env: NodeJS.ProcessEnv = process.env, builtWebApp = BUILT_WEB_APP): ApiSettings {
  const settings = parseEnv(CheckedApiEnv, env);
  if (settings.WEB_ROOT || settings.NODE_ENV !== 'production' || !isBuiltWebApp(builtWebApp)) return settings;
  return { ...settings, WEB_ROOT: builtWebApp };
}

/** Why a production API serves no web app at `/`, as one line for its log; null when it serves one. */
export function missingWebApp(settings: ApiSettings, builtWebApp = BUILT_WEB_APP): string | null {
  if (settings.NODE_ENV !== 'production' || settings.WEB_ROOT) return null;
  return `no built web app at ${builtWebApp}: serving the API only (build it with ${BUILD_WEB_APP}, or set WEB_ROOT)`;
}
