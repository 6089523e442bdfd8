// How a procedure is exposed over REST, declared beside it: `.meta(rest('GET', '/products/{id}', '…'))`.
// The OpenAPI document (http/openapi.ts) and the REST routes (http/rest.ts) both read it.
import type { OpenApiMethod } from 'trpc-to-openapi';
import type { ZodObject } from 'zod';

export interface RestMeta {
  /** 201 for creations (with Location when `location` is set), 204 for deletions (no body); default 200. */
  status: 200 | 201 | 204;
  /** Location of what was created, filled from the response: e.g. '/products/{id}', '/orders/{order.id}'. */
  location?: `/${string}`;
  /**
   * Answers this route gives beyond those its access level, input and method imply (openapi.ts), or `false`
   * for one of those it cannot give.
   */
  errors?: Record<number, string | false>;
  /**
   * The input field that the REST body fills, for an input that nests its fields (`{ id, patch: {…} }`): over
   * REST the body is the fields themselves, flat, and the path gives the rest. tRPC's input is unchanged.
   */
  body?: string;
}

export interface RestOptions {
  /** false for procedures anyone may call (no bearer token in the document). */
  protect?: boolean;
  status?: RestMeta['status'];
  location?: RestMeta['location'];
  description?: string;
  requestHeaders?: ZodObject;
  /** e.g. `{ 422: 'insufficient funds' }` or `{ 409: false }`; 400/401/403/404/409/413/415 are derived (openapi.ts). */
  errors?: RestMeta['errors'];
  /** e.g. 'patch': the REST body is `input.patch`, flat (see RestMeta.body). */
  body?: RestMeta['body'];
}

export function rest(method: OpenApiMethod, path: `/${string}`, summary: string, options: RestOptions = {}) {
  const tag = path.split('/')[1] ?? 'shop';
  return {
    openapi: {
      method,
      path,
      summary,
      tags: [tag],
      protect: options.protect ?? true,
      ...(options.description ? { description: options.description } : {}),
      ...(options.requestHeaders ? { requestHeaders: options.requestHeaders } : {}),
      // The generator's error entries are replaced by openapi.ts with the ones this route gives.
      errorResponses: {},
    },
    rest: {
      status: options.status ?? 200,
      ...(options.location ? { location: options.location } : {}),
      ...(options.errors ? { errors: options.errors } : {}),
      ...(options.body ? { body: options.body } : {}),
    },
  };
}
