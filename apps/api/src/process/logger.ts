// The API's logger: JSON lines, or one readable line per request in development.
import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import type { ApiSettings } from './env.ts';

/** Fields every line carries, or that the readable line already shows: left out of its details. */
const PRETTY_OMITTED = new Set(['level', 'time', 'service', 'pid', 'hostname', 'requestId', 'err']);

/**
 * One readable line: a request as `GET /path 200 1.2 ms`; anything else as its message, then its fields
 * (`url=… database=…`), then an error's stack on the lines below.
 */
function prettyLine(log: Record<string, unknown>, messageKey: string): string {
  if (log.method) return `${log.method} ${log.path} ${log.status} ${log.durationMs} ms`;
  const details = Object.entries(log)
    .filter(([key, value]) => key !== messageKey && !PRETTY_OMITTED.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const error = log.err as { message?: string; stack?: string } | undefined;
  return [String(log[messageKey] ?? ''), ...details].join(' ') + (error ? `\n${error.stack ?? error.message}` : '');
}

/**
 * JSON lines on stdout (`pid` tells cluster workers apart), or, in development, one readable line per
 * request through pino-pretty (synchronous, in-process: no transport worker thread). `destination` is for
 * tests (default: stdout).
 */
export function createLogger(
  api: Pick<ApiSettings, 'LOG_LEVEL' | 'LOG_FORMAT'>,
  env = process.env,
  destination?: NodeJS.WritableStream,
): Logger {
  const options = { level: api.LOG_LEVEL, base: { service: 'shop-api', pid: process.pid } };
  const format = api.LOG_FORMAT ?? ((env.NODE_ENV ?? 'development') === 'development' ? 'pretty' : 'json');
  if (format === 'json') return destination ? pino(options, destination) : pino(options);
  return pino(
    options,
    pretty({
      sync: true,
      ignore: 'service,pid,hostname',
      translateTime: 'HH:MM:ss',
      messageFormat: prettyLine,
      hideObject: true,
      ...(destination && { destination, colorize: false }),
    }),
  );
}
