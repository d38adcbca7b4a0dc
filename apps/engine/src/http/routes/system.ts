import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { FlowError, NodeTypeDescription, QueueStatus } from '@flowcraft/schema';
import type { HttpDeps } from '../deps.js';
import { named } from '../schemas/common.js';
import { jsonResponse, problemResponses, publicProblemResponses } from './openapi-helpers.js';

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    /** Named checks (e.g. `database`), true when healthy. */
    checks: z.record(z.string(), z.boolean()),
    uptimeSeconds: z.number().min(0),
  })
  .openapi('Health');

const health = createRoute({
  operationId: 'getHealth',
  method: 'get',
  path: '/v1/health',
  tags: ['system'],
  summary: 'Liveness (and the database check)',
  security: [],
  responses: {
    200: jsonResponse(Health, 'Every check passes'),
    503: jsonResponse(Health, 'A check fails'),
    ...publicProblemResponses(),
  },
});

const ready = createRoute({
  operationId: 'getReadiness',
  method: 'get',
  path: '/v1/ready',
  tags: ['system'],
  summary: 'Readiness: database reachable, migrations applied, queue reachable',
  description: 'For orchestrators: 503 until every check passes. `/v1/health` is liveness (the process answers).',
  security: [],
  responses: {
    200: jsonResponse(Health, 'Ready'),
    503: jsonResponse(Health, 'Not ready'),
    ...publicProblemResponses(),
  },
});

const metricsRoute = createRoute({
  operationId: 'getMetrics',
  method: 'get',
  path: '/metrics',
  tags: ['system'],
  summary: 'Prometheus metrics of this process',
  description:
    'Text exposition format. With METRICS_TOKEN set, send it as `Authorization: Bearer <token>`; otherwise the caller needs the `metrics:read` permission (admin).',
  responses: {
    200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } },
    ...problemResponses(404),
  },
});

const NodeTypeList = z
  .object({ items: z.array(named(NodeTypeDescription, 'NodeTypeDescription')) })
  .openapi('NodeTypeList');

const nodeTypes = createRoute({
  operationId: 'listNodeTypes',
  method: 'get',
  path: '/v1/node-types',
  tags: ['node types'],
  summary: 'Every node type, built-in and custom',
  description:
    'Config JSON Schema, defaults, UI hints and ports of each type: everything the editor needs to build its palette and forms.',
  responses: { 200: jsonResponse(NodeTypeList, 'All node types'), ...problemResponses() },
});

const queue = createRoute({
  operationId: 'getQueue',
  method: 'get',
  path: '/v1/queue',
  tags: ['system'],
  summary: 'The run queue and its workers',
  description:
    'Runs waiting for a worker, how long the oldest has waited, runs executing, and the live worker processes with their load (from their heartbeats).',
  responses: { 200: jsonResponse(named(QueueStatus, 'QueueStatus'), 'The queue now'), ...problemResponses() },
});

export function registerSystemRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  app.openapi(queue, async (c) => {
    if (!deps.queue) throw new FlowError('not_found', 'This engine has no run queue');
    return c.json(await deps.queue(), 200);
  });
  const started = performance.now();
  app.openapi(health, async (c) => {
    const checks = await runChecks(deps);
    const ok = Object.values(checks).every(Boolean);
    const status: 'ok' | 'degraded' = ok ? 'ok' : 'degraded';
    const body = { status, checks, uptimeSeconds: (performance.now() - started) / 1000 };
    return ok ? c.json(body, 200) : c.json(body, 503);
  });

  app.openapi(ready, async (c) => {
    const checks = await runChecks({ ...deps, health: deps.ready ?? deps.health });
    const ok = Object.values(checks).every(Boolean);
    const body = {
      status: ok ? ('ok' as const) : ('degraded' as const),
      checks,
      uptimeSeconds: (performance.now() - started) / 1000,
    };
    return ok ? c.json(body, 200) : c.json(body, 503);
  });

  app.openapi(metricsRoute, async (c) => {
    if (!deps.metrics) throw new FlowError('not_found', 'Metrics are off.');
    return c.body(await deps.metrics.metrics(), 200, { 'Content-Type': deps.metrics.contentType });
  });

  app.openapi(nodeTypes, (c) => c.json({ items: deps.registry.describeAll() }, 200));
}

async function runChecks(deps: HttpDeps): Promise<Record<string, boolean>> {
  if (!deps.health) return {};
  try {
    return await deps.health();
  } catch (err) {
    deps.logger?.warn('health check failed', { error: err instanceof Error ? err.message : String(err) });
    return { health: false };
  }
}
