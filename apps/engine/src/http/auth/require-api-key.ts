import type { MiddlewareHandler } from 'hono';
import { FlowError } from '@flowcraft/schema';
import { apiKeyMatches, bearerToken } from './api-key.js';

/** Paths reachable without a key: the editor's files (outside `/v1`), liveness, the OpenAPI document and the reference page. */
export function isPublicPath(path: string): boolean {
  if (path !== '/v1' && !path.startsWith('/v1/')) return true;
  return path === '/v1/health' || path === '/v1/openapi.json' || path === '/v1/docs' || path.startsWith('/v1/docs/');
}

/** Requires `Authorization: Bearer <apiKey>` on every non-public route; CORS preflights pass. */
export function requireApiKey(apiKey: string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS' || isPublicPath(c.req.path)) return next();
    const header = c.req.header('Authorization');
    if (!header)
      throw new FlowError('unauthorized', 'This engine requires an API key: send "Authorization: Bearer <key>".');
    if (!apiKeyMatches(apiKey, bearerToken(header))) throw new FlowError('unauthorized', 'The API key is not valid.');
    await next();
  };
}
