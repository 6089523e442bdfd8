export { normalizeApiUrl } from './api-url.ts';
export * from './client.ts';
