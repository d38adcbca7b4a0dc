import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { FlowError } from '@flowcraft/schema';
import type { HttpDeps } from '../deps.js';
import { UsageQuery, UsageReport } from '../schemas/usage.js';
import { jsonResponse, problemResponses } from './openapi-helpers.js';

const getUsage = createRoute({
  operationId: 'getUsage',
  method: 'get',
  path: '/v1/usage',
  tags: ['usage'],
  summary: 'Tokens and cost of model calls',
  description:
    'Sums every model call in the stored traces (input, output and cached tokens, cost in USD from the price table and `settings.models.prices`), filtered by workflow, run, node and time, grouped by any of day (UTC), workflow, run, node and model. Failed and cancelled runs count too.',
  request: { query: UsageQuery },
  responses: { 200: jsonResponse(UsageReport, 'Usage rows, largest cost first'), ...problemResponses(400) },
});

export function registerUsageRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  app.openapi(getUsage, async (c) => {
    const q = c.req.valid('query');
    const from = q.from === undefined ? undefined : new Date(q.from);
    const to = q.to === undefined ? undefined : new Date(q.to);
    if (from && to && from >= to) throw new FlowError('invalid_request', '`from` must be before `to`.');
    const groupBy = [...new Set(q.groupBy ?? [])];
    const filter = {
      ...(q.workflowId !== undefined ? { workflowId: q.workflowId } : {}),
      ...(q.runId !== undefined ? { runId: q.runId } : {}),
      ...(q.nodeId !== undefined ? { nodeId: q.nodeId } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      groupBy,
    };
    return c.json({ groupBy, rows: deps.usage ? await deps.usage(filter) : [] }, 200);
  });
}
