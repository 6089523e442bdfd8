/** Validates the API base URL a client is pointed at and strips trailing slashes (tRPC appends paths). */
export function normalizeApiUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`API url "${url}" is not an absolute URL; use e.g. http://127.0.0.1:3000/trpc`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`API url "${url}" must use http: or https:`);
  }
  return parsed.toString().replace(/\/+$/, '');
}
