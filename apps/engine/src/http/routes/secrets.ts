import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { FlowError } from '@flowcraft/schema';
import type { HttpDeps, SecretService } from '../deps.js';
import { PutSecretBody, SecretInfo, SecretList, SecretNameParams } from '../schemas/secrets.js';
import { jsonBody, jsonResponse, problemResponses } from './openapi-helpers.js';

const NO_KEY =
  'Secrets cannot be stored: the engine has no FLOWCRAFT_SECRET_KEY (32 random bytes, e.g. `openssl rand -base64 32`). Set it and restart, or use environment variables for credentials.';

function store(deps: HttpDeps): SecretService {
  if (!deps.secrets) throw new FlowError('invalid_input', NO_KEY);
  return deps.secrets;
}

const listSecrets = createRoute({
  operationId: 'listSecrets',
  method: 'get',
  path: '/v1/secrets',
  tags: ['secrets'],
  summary: 'Names of the stored secrets',
  description: 'Names, key ids and times only; values are write-only. Empty when no FLOWCRAFT_SECRET_KEY is set.',
  responses: { 200: jsonResponse(SecretList, 'Every stored secret, without values'), ...problemResponses() },
});

const putSecret = createRoute({
  operationId: 'putSecret',
  method: 'put',
  path: '/v1/secrets/{name}',
  tags: ['secrets'],
  summary: 'Store a secret (encrypted at rest)',
  description:
    'Creates or replaces the secret, encrypted with AES-256-GCM under FLOWCRAFT_SECRET_KEY. Provider keys use the environment variable names (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `<ENDPOINT>_API_KEY`) and win over the environment from the next run on. The value is never returned, logged or traced.',
  request: { params: SecretNameParams, body: jsonBody(PutSecretBody) },
  responses: { 200: jsonResponse(SecretInfo, 'Stored (without its value)'), ...problemResponses(400, 422) },
});

const deleteSecret = createRoute({
  operationId: 'deleteSecret',
  method: 'delete',
  path: '/v1/secrets/{name}',
  tags: ['secrets'],
  summary: 'Delete a secret',
  request: { params: SecretNameParams },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(404, 422) },
});

export function registerSecretRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  app.openapi(listSecrets, async (c) => c.json({ items: deps.secrets ? await deps.secrets.list() : [] }, 200));

  app.openapi(putSecret, async (c) => {
    const { name } = c.req.valid('param');
    const secrets = store(deps);
    await secrets.set(name, c.req.valid('json').value);
    const info = (await secrets.list()).find((s) => s.name === name);
    if (!info) throw new FlowError('internal', `Secret ${name} was not stored`);
    return c.json(SecretInfo.parse(info), 200);
  });

  app.openapi(deleteSecret, async (c) => {
    const { name } = c.req.valid('param');
    if (!(await store(deps).delete(name))) throw new FlowError('not_found', `There is no secret "${name}".`);
    return c.body(null, 204);
  });
}
