import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HttpDeps } from '../deps.js';
import { TemplateList } from '../schemas/template.js';
import { jsonResponse, problemResponses } from './openapi-helpers.js';

const listTemplates = createRoute({
  operationId: 'listTemplates',
  method: 'get',
  path: '/v1/templates',
  tags: ['templates'],
  summary: 'Example workflows to start from',
  description:
    'The example workflows shipped with the engine (one per orchestration pattern). Open one as a new workflow with `POST /v1/workflows`.',
  responses: { 200: jsonResponse(TemplateList, 'Every template'), ...problemResponses() },
});

export function registerTemplateRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  app.openapi(listTemplates, async (c) => c.json({ items: deps.templates ? await deps.templates() : [] }, 200));
}
