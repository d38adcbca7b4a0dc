import { describe, expect, it } from 'vitest';
import { listModels } from '../../models/list-models.js';
import { createSecretStore } from '../../secrets/index.js';
import { createHttpApp } from '../app.js';
import type { UsageFilter } from '../deps.js';
import { call, createFakeDeps } from '../testing/index.js';

const KEY = 'b'.repeat(64);
const VALUE = 'sk-live-secret-value-0123456789';

describe('GET /v1/models and /v1/secrets', () => {
  it('stores secrets write-only (names out, never values) and lists providers with the source of their key', async () => {
    const env = { FLOWCRAFT_SECRET_KEY: KEY, ANTHROPIC_API_KEY: 'sk-ant-env-value-987654' };
    const secrets = createSecretStore(env);
    const app = createHttpApp({ ...createFakeDeps(), secrets, models: () => listModels(env, secrets) });

    const put = await call(app, 'PUT', '/v1/secrets/OPENAI_API_KEY', { json: { value: VALUE } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'OPENAI_API_KEY', keyId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(JSON.stringify(put.body)).not.toContain(VALUE);
    expect(await secrets?.get('OPENAI_API_KEY')).toBe(VALUE);

    const list = await call(app, 'GET', '/v1/secrets');
    expect(list.body).toEqual({ items: [expect.objectContaining({ name: 'OPENAI_API_KEY' })] });

    const models = await call(app, 'GET', '/v1/models');
    expect(models.status).toBe(200);
    const text = JSON.stringify(models.body);
    expect(text).not.toContain(VALUE);
    expect(text).not.toContain('sk-ant-env-value');
    expect(models.body).toMatchObject({
      pricesAsOf: expect.any(String),
      providers: expect.arrayContaining([
        expect.objectContaining({ provider: 'scripted', configured: true }),
        expect.objectContaining({
          provider: 'openai',
          configured: true,
          credential: { name: 'OPENAI_API_KEY', source: 'secret', required: true },
        }),
        expect.objectContaining({
          provider: 'anthropic',
          credential: { name: 'ANTHROPIC_API_KEY', source: 'env', required: true },
        }),
      ]),
    });

    expect((await call(app, 'DELETE', '/v1/secrets/OPENAI_API_KEY')).status).toBe(204);
    const again = await call(app, 'DELETE', '/v1/secrets/OPENAI_API_KEY');
    expect(again.status).toBe(404);
    expect(again.headers.get('Content-Type')).toContain('application/problem+json');
    expect((await call(app, 'GET', '/v1/secrets')).body).toEqual({ items: [] });
  });

  it('refuses to store a secret without FLOWCRAFT_SECRET_KEY (422 problem), and rejects bad names and empty values', async () => {
    const app = createHttpApp(createFakeDeps());
    const res = await call(app, 'PUT', '/v1/secrets/OPENAI_API_KEY', { json: { value: VALUE } });
    expect(res.status).toBe(422);
    expect(res.headers.get('Content-Type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'invalid_input', detail: expect.stringContaining('FLOWCRAFT_SECRET_KEY') });
    expect(JSON.stringify(res.body)).not.toContain(VALUE);
    expect((await call(app, 'GET', '/v1/secrets')).body).toEqual({ items: [] });
    expect((await call(app, 'GET', '/v1/models')).body).toMatchObject({ providers: [] });

    const withStore = createHttpApp({ ...createFakeDeps(), secrets: createSecretStore({ FLOWCRAFT_SECRET_KEY: KEY }) });
    expect((await call(withStore, 'PUT', '/v1/secrets/1bad', { json: { value: 'x' } })).status).toBe(400);
    expect((await call(withStore, 'PUT', '/v1/secrets/GOOD', { json: { value: '' } })).status).toBe(400);
    expect((await call(withStore, 'PUT', '/v1/secrets/GOOD', { json: { value: 'v', extra: 1 } })).status).toBe(400);
  });
});

describe('GET /v1/mcp/* and /v1/usage', () => {
  it('lists MCP servers and tools from the manager, and nothing when none is configured', async () => {
    const empty = createHttpApp(createFakeDeps());
    expect((await call(empty, 'GET', '/v1/mcp/servers')).body).toEqual({ items: [] });
    expect((await call(empty, 'GET', '/v1/mcp/tools')).body).toEqual({ tools: [], errors: [] });

    const asked: unknown[] = [];
    const app = createHttpApp({
      ...createFakeDeps(),
      mcp: {
        status: () => [{ name: 'local', transport: 'stdio', target: 'node (3 arguments)', state: 'idle' }],
        listTools: async (opts) => {
          asked.push(opts?.servers);
          return {
            tools: [{ server: 'local', name: 'add', description: 'Adds', inputSchema: { type: 'object' } }],
            errors: [],
          };
        },
      },
    });
    expect((await call(app, 'GET', '/v1/mcp/servers')).body).toEqual({
      items: [{ name: 'local', transport: 'stdio', target: 'node (3 arguments)', state: 'idle' }],
    });
    expect((await call(app, 'GET', '/v1/mcp/tools?server=local')).body).toMatchObject({ tools: [{ name: 'add' }] });
    expect(asked).toEqual([['local']]);
  });

  it('passes filters and groupings to the usage service and validates them', async () => {
    const seen: UsageFilter[] = [];
    const app = createHttpApp({
      ...createFakeDeps(),
      usage: async (f) => {
        seen.push(f);
        return [
          {
            day: '2025-10-01',
            workflowId: 'wf',
            calls: 2,
            input: 10,
            output: 5,
            cached: 0,
            cacheWrite: 0,
            costUsd: 0.001,
            unpricedCalls: 0,
          },
        ];
      },
    });
    const res = await call(
      app,
      'GET',
      '/v1/usage?workflowId=wf&groupBy=day,workflow&from=2025-10-01T00:00:00Z&to=2025-10-02T00:00:00Z',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ groupBy: ['day', 'workflow'], rows: [{ day: '2025-10-01', costUsd: 0.001 }] });
    expect(seen[0]).toEqual({
      workflowId: 'wf',
      groupBy: ['day', 'workflow'],
      from: new Date('2025-10-01T00:00:00Z'),
      to: new Date('2025-10-02T00:00:00Z'),
    });
    expect((await call(app, 'GET', '/v1/usage?groupBy=week')).status).toBe(400);
    expect((await call(app, 'GET', '/v1/usage?from=2025-10-02T00:00:00Z&to=2025-10-01T00:00:00Z')).status).toBe(400);
    expect((await call(createHttpApp(createFakeDeps()), 'GET', '/v1/usage')).body).toEqual({ groupBy: [], rows: [] });
  });
});
