import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../deps.js';
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
  logger?: Pick<Logger, 'debug'>;
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
      c.res.headers.set('X-Request-Id', requestId);
      const seconds = (performance.now() - started) / 1000;
      opts.metrics?.observeHttp(operation.route, c.req.method, status, seconds);
      opts.logger?.debug('http request', {
        requestId,
        method: c.req.method,
        route: operation.route,
        status,
        ms: Math.round(seconds * 1000),
      });
    }
  };
}
