// API settings from the environment (database settings live in @shop/db's loadDatabaseSettings).
import { parseEnv } from '@shop/db';
import { z } from 'zod';

const ApiEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  API_MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(20),
  API_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** A built web app (apps/web/dist) to serve at `/`; unset: only the API. */
  WEB_ROOT: z.string().min(1).optional(),
  /** pretty: one human-readable line per request (the default in development); json: JSON lines. */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  /** Sign-ups one client address may make per hour (each costs an argon2 hash; shared by all processes). */
  API_SIGNUPS_PER_ADDRESS_HOUR: z.coerce.number().int().min(1).default(10),
  /** Processes serving the port (node:cluster); 1 serves in the main process itself. */
  API_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
});

export type ApiSettings = z.infer<typeof ApiEnv>;

/** Reads the API's variables; throws one clear line (an EnvError) when they are unusable. */
export const loadApiSettings = (env: NodeJS.ProcessEnv = process.env): ApiSettings => parseEnv(ApiEnv, env);
