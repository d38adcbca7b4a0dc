import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { startOpenAIFixture, type OpenAIFixture } from '../models/fixtures/index.js';
import { openPgliteFromTemplate } from '../store/pglite-template.js';
import { startEngine, type Engine } from './engine.js';

const SECRET_KEY = 'd'.repeat(64);
const OPENAI_KEY = 'sk-engine-stored-key-77aa11bb22';
const engineDir = fileURLToPath(new URL('../..', import.meta.url));
const stdioFixture = fileURLToPath(new URL('../mcp/fixtures/stdio-server.ts', import.meta.url));

describe('the engine with providers, secrets, MCP and usage (startEngine)', () => {
  let engine: Engine;
  let url: string;
  let openai: OpenAIFixture;
  const printed: string[] = [];

  beforeAll(async () => {
    openai = await startOpenAIFixture();
    const mcpServers = JSON.stringify([
      {
        name: 'local',
        transport: 'stdio',
        command: process.execPath,
        args: ['--import', 'tsx', stdioFixture],
        cwd: engineDir,
        env: { TOKEN: 'mcp-env-secret-xyz' },
      },
    ]);
    const env = {
      PORT: '0',
      LOG_LEVEL: 'silent',
      FLOWCRAFT_SECRET_KEY: SECRET_KEY,
      MCP_SERVERS: mcpServers,
      OPENAI_BASE_URL: openai.baseURL,
    };
    engine = await startEngine({
      config: loadConfig(env),
      database: await openPgliteFromTemplate(),
      env,
      print: (text) => printed.push(text),
    });
    url = engine.server.url;
  }, 30_000);
  afterAll(async () => {
    await engine?.stop();
    await openai?.close();
  });

  const json = async (path: string, init?: { method: string; body?: unknown }) => {
    const res = await fetch(
      `${url}${path}`,
      init
        ? {
            method: init.method,
            headers: { 'content-type': 'application/json' },
            ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
          }
        : undefined,
    );
    const text = await res.text();
    return { status: res.status, text, body: (text === '' ? null : JSON.parse(text)) as Record<string, unknown> };
  };

  it('summarizes models, secrets, tool network and MCP at start without secret values', () => {
    const summary = printed.join('\n');
    expect(summary).toMatch(/secrets\s+encrypted at rest \(key [0-9a-f]{16}\)/);
    expect(summary).toMatch(/tool HTTP\s+private addresses blocked/);
    expect(summary).toMatch(/MCP servers\s+local \(stdio\)/);
    expect(summary).not.toContain(SECRET_KEY);
    expect(summary).not.toContain('mcp-env-secret-xyz');
  });

  it('stores a provider key through the API, uses it for a run, and accounts tokens and cost per node in SQL', async () => {
    const put = await json('/v1/secrets/OPENAI_API_KEY', { method: 'PUT', body: { value: OPENAI_KEY } });
    expect(put.status).toBe(200);
    expect(put.text).not.toContain(OPENAI_KEY);
    expect((await json('/v1/models')).body).toMatchObject({
      providers: expect.arrayContaining([
        expect.objectContaining({
          provider: 'openai',
          configured: true,
          credential: expect.objectContaining({ source: 'secret' }),
        }),
      ]),
    });

    openai.enqueue(
      { text: 'first', usage: { input: 2000, output: 1000 } },
      { text: 'second', usage: { input: 1000, output: 0, cached: 1000 } },
    );
    const document = {
      id: 'priced',
      name: 'Priced',
      state: { topic: { type: 'string' }, a: { type: 'string' }, b: { type: 'string' } },
      nodes: [
        { id: 'start', type: 'start', config: { inputs: [{ channel: 'topic' }] } },
        { id: 'one', type: 'llm', config: { model: 'openai:gpt-4o-mini', prompt: '{{ state.topic }}', output: 'a' } },
        { id: 'two', type: 'llm', config: { model: 'openai:gpt-4o-mini', prompt: '{{ state.a }}', output: 'b' } },
        { id: 'end', type: 'end', config: { outputs: ['b'] } },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'one' },
        { id: 'e2', source: 'one', target: 'two' },
        { id: 'e3', source: 'two', target: 'end' },
      ],
    };
    const created = await json('/v1/workflows', { method: 'POST', body: { document } });
    expect(created.status).toBe(201);
    const workflowId = String(created.body.id);
    const started = await json('/v1/runs', { method: 'POST', body: { workflowId, input: { topic: 'tides' } } });
    const runId = String(started.body.runId);
    await engine.runs.settled(runId);
    expect((await json(`/v1/runs/${runId}`)).body).toMatchObject({ status: 'completed', output: { b: 'second' } });
    expect(openai.requests.map((r) => r.headers['authorization'])).toEqual([
      `Bearer ${OPENAI_KEY}`,
      `Bearer ${OPENAI_KEY}`,
    ]);

    // gpt-4o-mini: $0.15 / $0.075 cached / $0.60 per million
    const one = 2000 * 0.15e-6 + 1000 * 0.6e-6;
    const two = 1000 * 0.075e-6;
    const byNode = await json(`/v1/usage?runId=${runId}&groupBy=node`);
    expect(byNode.status).toBe(200);
    expect(byNode.body).toEqual({
      groupBy: ['node'],
      rows: [
        {
          nodeId: 'one',
          calls: 1,
          input: 2000,
          output: 1000,
          cached: 0,
          cacheWrite: 0,
          costUsd: one,
          unpricedCalls: 0,
        },
        {
          nodeId: 'two',
          calls: 1,
          input: 1000,
          output: 0,
          cached: 1000,
          cacheWrite: 0,
          costUsd: two,
          unpricedCalls: 0,
        },
      ],
    });
    const byDay = await json(`/v1/usage?workflowId=${workflowId}&groupBy=day,workflow,model`);
    expect(byDay.body).toMatchObject({
      rows: [
        {
          day: new Date().toISOString().slice(0, 10),
          workflowId,
          model: 'openai:gpt-4o-mini',
          calls: 2,
          costUsd: one + two,
        },
      ],
    });

    const events = await engine.store.runEvents.listAfter(runId);
    const completed = events.find((e) => e.type === 'run.completed');
    expect(completed?.payload).toMatchObject({
      tokens: { input: 3000, output: 1000, cached: 1000, costUsd: one + two },
    });
    expect(JSON.stringify(events)).not.toContain(OPENAI_KEY);
    expect(JSON.stringify((await json('/v1/secrets')).body)).not.toContain(OPENAI_KEY);
  });

  it('lists the MCP servers and their tools', async () => {
    expect((await json('/v1/mcp/servers')).body).toEqual({
      items: [expect.objectContaining({ name: 'local', transport: 'stdio' })],
    });
    const tools = await json('/v1/mcp/tools');
    expect(tools.body).toMatchObject({
      errors: [],
      tools: expect.arrayContaining([expect.objectContaining({ server: 'local', name: 'add' })]),
    });
    expect(tools.text).not.toContain('mcp-env-secret-xyz');
    expect((await json('/v1/mcp/servers')).body).toEqual({ items: [expect.objectContaining({ state: 'connected' })] });
  });
});
