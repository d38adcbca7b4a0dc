import type { MiddlewareHandler } from 'hono';
import type { matchOperation } from './permissions.js';
import { clientIp, requestIdFor, setRequestContext } from './request-context.js';

/** What the edge reports each request to (Prometheus `flowcraft_http_request_duration_seconds`). */
export interface HttpMetrics {
  observeHttp(route: string, method: string, status: number, seconds: number): void;
}

export interface ObserveOptions {
  match: typeof matchOperation;
  trustProxy: boolean;
  metrics?: HttpMetrics;
}

/**
 * First middleware: gives the request an id (`X-Request-Id`, echoed in problem+json `instance`),
 * finds its operation in the permission table and times it for the metrics.
 */
export function observeRequests(opts: ObserveOptions): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    const requestId = requestIdFor(c, opts.trustProxy);
    const operation = opts.match(c.req.method, c.req.path);
    setRequestContext(c, { requestId, ip: clientIp(c, opts.trustProxy), operation, principal: undefined });
    try {
      await next();
    } finally {
      const status = c.res.status;
      try {
        c.res.headers.set('X-Request-Id', requestId);
      } catch {
        // immutable headers (a fetched response passed through): the id is still in the logs
      }
      const seconds = (performance.now() - started) / 1000;
      opts.metrics?.observeHttp(operation.route, c.req.method, status, seconds);
    }
  };
}
