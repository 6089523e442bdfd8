export { normalizeApiUrl } from './api-url.ts';
