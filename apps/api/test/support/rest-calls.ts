// REST calls with plain fetch, as curl would make them, recording each documented route called and every
// status it answered, so a suite can hold the OpenAPI document to what the routes really answer.
import { openApiDocument, restProcedures } from '../../src/http/openapi.ts';

export interface RestCall {
  token?: string;
  params?: Record<string, string | number>;
  query?: Record<string, string>;
  body?: unknown;
  /** A body sent as written (a JSON number such as 1e400 that JSON.stringify cannot write). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export function restCalls(base: () => string) {
  const exercised = new Set<string>();
  /** Every status each documented route answered. */
  const answered = new Map<string, Set<number>>();

  /** One REST call; `route` is the documented template, recorded to prove every route was called. */
  async function api(method: string, route: string, call: RestCall = {}) {
    exercised.add(`${method} ${route}`);
    let url = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(call.params?.[name])));
    if (call.query) url += `?${new URLSearchParams(call.query)}`;
    const body = call.rawBody ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
    const response = await fetch(`${base()}${url}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
        ...call.headers,
      },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    answered.set(`${method} ${route}`, (answered.get(`${method} ${route}`) ?? new Set()).add(response.status));
    // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are checked field by field by the tests
    const json: any = text ? JSON.parse(text) : null;
    return { status: response.status, json, headers: response.headers };
  }

  /** `METHOD /path status` for each status a route answered that its document does not list. */
  function undocumented(): string[] {
    const document = openApiDocument() as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const missing: string[] = [];
    for (const [, procedure] of restProcedures()) {
      const { method, path } = procedure._def.meta.openapi;
      const documented = Object.keys(document.paths[path]?.[method.toLowerCase()]?.responses ?? {});
      for (const status of answered.get(`${method} ${path}`) ?? [])
        if (!documented.includes(String(status))) missing.push(`${method} ${path} ${status}`);
    }
    return missing;
  }

  return { api, exercised, answered, undocumented };
}
