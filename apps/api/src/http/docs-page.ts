// The API reference page at /api/docs (Scalar; its script is served by @scalar/fastify-api-reference from
// this package, never from a CDN): it loads nothing from outside this origin, and security-headers.ts's CSP
// would refuse it anything else.
import { REST_PREFIX } from './openapi.ts';

/**
 * Everything of Scalar's that leads to its own services is off: fonts from its CDN, the "Ask AI" agent, MCP,
 * the developer tools bar (Configure, Share, Generate SDK, Deploy, a scalar.com link), the "Open API Client"
 * link to client.scalar.com, and telemetry. No option removes the "Powered by Scalar" link: CSS hides it, and
 * makes the status codes' links to MDN plain text. "Download OpenAPI Document" gets /api/openapi.json as served,
 * and "Test Request" calls this API from the page.
 */
export const DOCS_PAGE = {
  url: `${REST_PREFIX}/openapi.json`,
  title: 'shop-rpc REST API',
  pageTitle: 'shop-rpc REST API',
  withDefaultFonts: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  hideClientButton: true,
  showDeveloperTools: 'never',
  telemetry: false,
  documentDownloadType: 'json',
  customCss:
    'a[href*="utm_source=powered-by"] { display: none; } ' +
    'a[href*="developer.mozilla.org"] { pointer-events: none; color: inherit; text-decoration: none; }',
} as const;
