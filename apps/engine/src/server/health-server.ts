import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * What a worker process (`FLOWCRAFT_ROLE=worker`) serves: `GET /v1/health` only — for
 * orchestrators' liveness probes — answering 200 while `checks` all pass, else 503.
 */
export async function startHealthServer(opts: {
  port: number;
  host: string;
  checks: () => Promise<Record<string, unknown>>;
  /**
   * This process's Prometheus metrics at `GET /metrics`: with `token`, callers send `Authorization: Bearer
   * <token>`; without one they are served only when `open` (a loopback-only worker).
   */
  metrics?: { contentType: string; render: () => Promise<string>; token?: string; open: boolean };
}): Promise<HealthServer> {
  const started = performance.now();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const metrics = opts.metrics;
    if (req.method === 'GET' && path === '/metrics' && metrics) {
      const allowed =
        metrics.token !== undefined ? req.headers.authorization === `Bearer ${metrics.token}` : metrics.open;
      if (!allowed) {
        res.writeHead(401, { 'content-type': 'application/problem+json' }).end(
          JSON.stringify({
            type: 'about:blank',
            title: 'Unauthorized',
            status: 401,
            code: 'unauthorized',
            detail: 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>".',
          }),
        );
        return;
      }
      metrics
        .render()
        .then((text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text))
        .catch(() => res.writeHead(500).end());
      return;
    }
    if (req.method !== 'GET' || path !== '/v1/health') {
      res.writeHead(404, { 'content-type': 'application/problem+json' }).end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Not found',
          status: 404,
          code: 'not_found',
          detail:
            'A worker process serves GET /v1/health and GET /metrics only; the API runs in FLOWCRAFT_ROLE=api or all processes.',
        }),
      );
      return;
    }
    opts
      .checks()
      .then((checks) => ({ ok: Object.values(checks).every((v) => v !== false), checks }))
      .catch(() => ({ ok: false, checks: { health: false } }))
      .then(({ ok, checks }) => {
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            status: ok ? 'ok' : 'degraded',
            checks,
            uptimeSeconds: (performance.now() - started) / 1000,
          }),
        );
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
