import type { MiddlewareHandler } from 'hono';
import { FlowError } from '@flowcraft/schema';
import { apiKeyMatches, bearerToken } from './api-key.js';

/** API paths at the engine's root: the LangGraph Agent Server API and the MCP server. */
const ROOT_API_PREFIXES = ['/assistants', '/threads', '/runs', '/mcp'];

const isRootApiPath = (path: string) => ROOT_API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));

/**
 * Paths reachable without a key: the editor's files (outside `/v1` and the root API), liveness
 * (`/v1/health`, `/ok`, `/info`), the OpenAPI document and the reference page.
 */
export function isPublicPath(path: string): boolean {
  if (isRootApiPath(path)) return false;
  if (path !== '/v1' && !path.startsWith('/v1/')) return true;
  return path === '/v1/health' || path === '/v1/openapi.json' || path === '/v1/docs' || path.startsWith('/v1/docs/');
}

/**
 * Requires `Authorization: Bearer <apiKey>` (or `x-api-key: <apiKey>`, as LangGraph clients send it)
 * on every non-public route; CORS preflights pass.
 */
export function requireApiKey(apiKey: string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS' || isPublicPath(c.req.path)) return next();
    const header = c.req.header('Authorization');
    const presented = header ? bearerToken(header) : c.req.header('x-api-key');
    if (!header && presented === undefined)
      throw new FlowError('unauthorized', 'This engine requires an API key: send "Authorization: Bearer <key>".');
    if (!apiKeyMatches(apiKey, presented)) throw new FlowError('unauthorized', 'The API key is not valid.');
    await next();
  };
}
