import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { PRICES_AS_OF } from '../../models/prices.js';
import type { HttpDeps } from '../deps.js';
import { ModelList } from '../schemas/models.js';
import { jsonResponse, problemResponses } from './openapi-helpers.js';

const listModels = createRoute({
  operationId: 'listModels',
  method: 'get',
  path: '/v1/models',
  tags: ['models'],
  summary: 'Model providers the engine can call',
  description:
    'Built-in providers (OpenAI and compatible servers, Anthropic, Ollama), endpoints named in `FLOWCRAFT_OPENAI_COMPATIBLE` and the offline scripted model: whether each is configured, the name and source of its credential (environment or secret store) and suggested models. Never returns a credential value.',
  responses: { 200: jsonResponse(ModelList, 'Every provider'), ...problemResponses() },
});

export function registerModelRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  app.openapi(listModels, async (c) =>
    c.json({ providers: deps.models ? await deps.models() : [], pricesAsOf: PRICES_AS_OF }, 200),
  );
}
