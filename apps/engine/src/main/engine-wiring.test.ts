import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { TraceEvent, WorkflowDocumentInput } from '@flowcraft/schema';
import { McpManager } from '../mcp/mcp-manager.js';
import {
  startAnthropicFixture,
  startOpenAIFixture,
  type FixtureServer,
  type OpenAIFixture,
} from '../models/fixtures/index.js';
import { MemoryRunPorts } from '../lifecycle/memory-ports.js';
import { RunService } from '../lifecycle/run-service.js';
import { createSecretStore } from '../secrets/create.js';
import type { UsageLedger } from '../execution/budget.js';
import { runServicesFactory, type EngineServiceDeps } from '../execution/services.js';
import { createToolFetch, type ToolFetch } from '../execution/tool-fetch.js';

/**
 * The wiring the engine uses (main/engine.ts): RunService with `runServicesFactory` — credentials
 * from the secret store and env, the document's routing, prices and budget, the guarded tool fetch
 * and the MCP manager — against loopback provider fixtures, a local HTTP server and the stdio MCP fixture.
 */

const registry = createBuiltinRegistry();
const SECRET_KEY = 'c'.repeat(64);
const OPENAI_KEY = 'sk-from-secret-store-4f9a2b7c1d';
const ANTHROPIC_KEY = 'sk-ant-from-env-8e3d6a0b5c';
const engineDir = fileURLToPath(new URL('../..', import.meta.url));
const stdioFixture = fileURLToPath(new URL('../mcp/fixtures/stdio-server.ts', import.meta.url));

let openai: OpenAIFixture;
let anthropic: FixtureServer;
let web: Server;
let webUrl: string;
let mcp: McpManager;
const toolFetches: ToolFetch[] = [];

beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startOpenAIFixture(), startAnthropicFixture()]);
  web = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"internal":"data"}'),
  );
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  mcp = new McpManager([
    {
      name: 'local',
      transport: 'stdio',
      command: process.execPath,
      args: ['--import', 'tsx', stdioFixture],
      cwd: engineDir,
    },
  ]);
});
afterAll(async () => {
  await Promise.all([openai.close(), anthropic.close(), mcp.close(), ...toolFetches.map((t) => t.close())]);
  await new Promise<void>((resolve) => web.close(() => resolve()));
});
beforeEach(() => {
  openai.reset();
  anthropic.reset();
});

const logged: string[] = [];
beforeEach(() => {
  logged.length = 0;
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }
});
afterEach(() => vi.restoreAllMocks());

async function setup(opts: { allowPrivate?: boolean; withMcp?: boolean; ledger?: UsageLedger } = {}) {
  const env = {
    FLOWCRAFT_SECRET_KEY: SECRET_KEY,
    OPENAI_BASE_URL: openai.baseURL,
    ANTHROPIC_BASE_URL: anthropic.url,
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
  };
  const secrets = createSecretStore(env);
  await secrets?.set('OPENAI_API_KEY', OPENAI_KEY);
  const toolFetch = createToolFetch(opts.allowPrivate ? { allowPrivateAddresses: true } : {});
  toolFetches.push(toolFetch);
  const deps: EngineServiceDeps = {
    env,
    ...(secrets ? { secrets } : {}),
    fetch: toolFetch.fetch,
    ...(opts.withMcp === false ? {} : { mcp }),
    ...(opts.ledger ? { ledger: opts.ledger } : {}),
  };
  const ports = new MemoryRunPorts();
  const service = new RunService(ports, registry, { env, services: runServicesFactory(deps) });
  const run = async (document: WorkflowDocumentInput, input: Record<string, unknown> = {}) => {
    ports.addWorkflow(document);
    const { runId } = await service.start({ workflowId: String(document.id), input });
    await service.settled(runId);
    const events = ports.events.get(runId) ?? [];
    return { run: await ports.getRun(runId), events, last: events.at(-1) };
  };
  return { run };
}

const str = { type: 'string' } as const;
let n = 0;
function wf(parts: Omit<WorkflowDocumentInput, 'id' | 'name'>): WorkflowDocumentInput {
  return { id: `wf-${++n}`, name: 'wiring', ...parts };
}
const edges = (...pairs: [string, string, string?][]) =>
  pairs.map(([source, target, sourceHandle], i) => ({
    id: `e${i}`,
    source,
    target,
    ...(sourceHandle ? { sourceHandle } : {}),
  }));
const start = (inputs: string[] = []) => ({
  id: 'start',
  type: 'start',
  config: { inputs: inputs.map((channel) => ({ channel })) },
});
const end = (outputs: string[]) => ({ id: 'end', type: 'end', config: { outputs } });
const llm = (id: string, model: string, output = 'answer', extra: Record<string, unknown> = {}) => ({
  id,
  type: 'llm',
  config: { model, prompt: 'Tell me about {{ state.topic }}', output, ...extra },
});

function progress(events: TraceEvent[], kind: string): Record<string, unknown>[] {
  return events.flatMap((e) =>
    e.type === 'node.progress' && e.kind === kind ? [{ nodeId: e.nodeId, ...e.data }] : [],
  );
}

function expectNoSecrets(texts: unknown[]): void {
  const all = JSON.stringify(texts);
  for (const secret of [OPENAI_KEY, ANTHROPIC_KEY, SECRET_KEY]) expect(all).not.toContain(secret);
}

describe('models through the engine wiring', () => {
  it('falls back from a 503 to the next model, records the model used, its tokens and cost, and shows the failed attempt', async () => {
    const { run } = await setup();
    openai.enqueue({ status: 503, error: 'overloaded' });
    anthropic.enqueue({ text: 'Tides follow the moon', usage: { input: 12, output: 4 } });
    const r = await run(
      wf({
        state: { topic: str, answer: str },
        nodes: [start(['topic']), llm('ask', 'tier:smart'), end(['answer'])],
        edges: edges(['start', 'ask'], ['ask', 'end']),
        settings: {
          models: {
            tiers: { smart: 'openai:gpt-4o' },
            fallbacks: { 'openai:gpt-4o': ['anthropic:claude-sonnet-4-5'] },
          },
        },
      }),
      { topic: 'tides' },
    );
    expect(r.run).toMatchObject({ status: 'completed', output: { answer: 'Tides follow the moon' } });
    // The key came from the secret store, not the environment.
    expect(openai.requests[0]?.headers['authorization']).toBe(`Bearer ${OPENAI_KEY}`);
    expect(progress(r.events, 'model_attempt_failed')).toEqual([
      expect.objectContaining({
        nodeId: 'ask',
        model: 'openai:gpt-4o',
        status: 503,
        action: 'next',
        next: 'anthropic:claude-sonnet-4-5',
      }),
    ]);
    // 12 × $3/M + 4 × $15/M
    expect(progress(r.events, 'model_call')).toEqual([
      expect.objectContaining({
        nodeId: 'ask',
        model: 'anthropic:claude-sonnet-4-5',
        requested: 'tier:smart',
        input: 12,
        output: 4,
        costUsd: 0.000096,
        failedAttempts: 1,
      }),
    ]);
    const finished = r.events.find((e) => e.type === 'node.finished' && e.nodeId === 'ask');
    expect(finished).toMatchObject({
      model: 'anthropic:claude-sonnet-4-5',
      tokens: { input: 12, output: 4, costUsd: 0.000096 },
    });
    expect(r.last).toMatchObject({ type: 'run.completed', tokens: { input: 12, output: 4, costUsd: 0.000096 } });
    expect(r.events.filter((e) => e.type === 'model.token').length).toBeGreaterThanOrEqual(1);
    expectNoSecrets([r.events, r.run, logged]);
  });

  it('waits out a 429 with Retry-After and retries the same model', async () => {
    const { run } = await setup();
    openai.enqueue(
      { status: 429, error: 'slow down', headers: { 'retry-after-ms': '150' } },
      { text: 'after the wait', usage: { input: 1000, output: 100 } },
    );
    const t0 = performance.now();
    const r = await run(
      wf({
        state: { topic: str, answer: str },
        nodes: [start(['topic']), llm('ask', 'openai:gpt-4o-mini'), end(['answer'])],
        edges: edges(['start', 'ask'], ['ask', 'end']),
        settings: { models: { prices: { 'openai:gpt-4o-mini': { input: 1, output: 10 } } } },
      }),
      { topic: 'x' },
    );
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(r.run).toMatchObject({ status: 'completed', output: { answer: 'after the wait' } });
    expect(openai.requests).toHaveLength(2);
    expect(progress(r.events, 'model_attempt_failed')).toEqual([
      expect.objectContaining({
        model: 'openai:gpt-4o-mini',
        code: 'rate_limited',
        status: 429,
        retryAfterMs: 150,
        action: 'retry',
      }),
    ]);
    // The workflow's price override: 1000 × $1/M + 100 × $10/M.
    expect(progress(r.events, 'model_call')).toEqual([
      expect.objectContaining({ model: 'openai:gpt-4o-mini', costUsd: 0.002 }),
    ]);
  });

  it('times out a hanging model call and takes the error branch', async () => {
    const { run } = await setup();
    openai.enqueue({ text: 'too late', delayMs: 5000 });
    const t0 = performance.now();
    const r = await run(
      wf({
        state: { topic: str, answer: str },
        nodes: [
          start(['topic']),
          llm('ask', 'openai:gpt-4o-mini'),
          {
            id: 'fallback',
            type: 'transform',
            config: { assignments: [{ channel: 'answer', value: 'fallback after {{ state.__error.code }}' }] },
          },
          end(['answer']),
        ],
        edges: edges(['start', 'ask'], ['ask', 'end'], ['ask', 'fallback', 'error'], ['fallback', 'end']),
        settings: { models: { callTimeoutMs: 200 } },
      }),
      { topic: 'x' },
    );
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(r.run).toMatchObject({ status: 'completed', output: { answer: 'fallback after model_error' } });
    expect(
      r.events.filter((e) => e.type === 'node.finished').map((e) => (e.type === 'node.finished' ? e.nodeId : '')),
    ).toEqual(['start', 'fallback', 'end']);
    expect(r.events.find((e) => e.type === 'node.failed')).toMatchObject({
      nodeId: 'ask',
      error: {
        code: 'model_error',
        retryable: true,
        message: expect.stringContaining('did not respond within 200 ms'),
        details: { reason: 'timeout', timeoutMs: 200 },
      },
    });
    expect(progress(r.events, 'model_attempt_failed')).toEqual([
      expect.objectContaining({ model: 'openai:gpt-4o-mini', action: 'fail' }),
    ]);
  });

  it('never puts a credential into the trace, the run or the logs, even when the provider echoes it', async () => {
    const { run } = await setup();
    openai.enqueue({ status: 401, error: `Incorrect API key provided: ${OPENAI_KEY}` });
    const r = await run(
      wf({
        state: { topic: str, answer: str },
        nodes: [start(['topic']), llm('ask', 'openai:gpt-4o'), end(['answer'])],
        edges: edges(['start', 'ask'], ['ask', 'end']),
      }),
      { topic: 'x' },
    );
    expect(r.run.status).toBe('failed');
    expect(r.last).toMatchObject({
      type: 'run.failed',
      error: { code: 'model_error', nodeId: 'ask', message: expect.stringContaining('***') },
    });
    expectNoSecrets([r.events, r.run, logged]);
  });
});

describe('budgets', () => {
  const twoCalls = (budget: Record<string, number>) =>
    wf({
      state: { topic: str, a: str, b: str },
      nodes: [
        start(['topic']),
        llm('first', 'openai:gpt-4o-mini', 'a'),
        llm('second', 'openai:gpt-4o-mini', 'b'),
        end(['b']),
      ],
      edges: edges(['start', 'first'], ['first', 'second'], ['second', 'end']),
      settings: { budget },
    });

  it('stops a run that reached maxCostUsd before the next model call, naming the node', async () => {
    const { run } = await setup();
    // 1000 × $0.15/M + 500 × $0.60/M = $0.00045 per call
    openai.fallback = { text: 'ok', usage: { input: 1000, output: 500 } };
    const r = await run(twoCalls({ maxCostUsd: 0.0004 }), { topic: 'x' });
    expect(openai.requests).toHaveLength(1);
    expect(r.run.status).toBe('failed');
    expect(r.last).toMatchObject({
      type: 'run.failed',
      error: {
        code: 'budget_exceeded',
        nodeId: 'second',
        message: expect.stringMatching(/Budget exceeded at node "second".*maxCostUsd/),
        details: { limit: 'maxCostUsd', max: 0.0004, spent: 0.00045 },
      },
    });
    expect(r.events.find((e) => e.type === 'node.failed')).toMatchObject({
      nodeId: 'second',
      willRetry: false,
      error: { code: 'budget_exceeded' },
    });
    openai.fallback = { text: 'ok' };
  });

  it('stops the run on budget_exceeded even when the node has an error branch', async () => {
    openai.fallback = { text: 'ok', usage: { input: 10, output: 5 } };
    const r = await (await setup()).run(
      wf({
        state: { topic: str, a: str, b: str, note: str },
        nodes: [
          start(['topic']),
          llm('first', 'openai:gpt-4o-mini', 'a'),
          llm('second', 'openai:gpt-4o-mini', 'b'),
          { id: 'fallback', type: 'transform', config: { assignments: [{ channel: 'note', value: 'fell back' }] } },
          end(['b', 'note']),
        ],
        edges: edges(
          ['start', 'first'],
          ['first', 'second'],
          ['second', 'end'],
          ['second', 'fallback', 'error'],
          ['fallback', 'end'],
        ),
        settings: { budget: { maxTokens: 5 } },
      }),
      { topic: 'x' },
    );
    expect(r.last).toMatchObject({ type: 'run.failed', error: { code: 'budget_exceeded', nodeId: 'second' } });
    expect(r.events.some((e) => e.type === 'node.finished' && e.nodeId === 'fallback')).toBe(false);
    expect(openai.requests).toHaveLength(1);
    openai.fallback = { text: 'ok' };
  });

  it('counts tokens against maxTokens, and a workflow’s spend today against maxCostUsdPerDay', async () => {
    openai.fallback = { text: 'ok', usage: { input: 10, output: 5 } };
    const tokens = await (await setup()).run(twoCalls({ maxTokens: 15 }), { topic: 'x' });
    expect(tokens.last).toMatchObject({
      type: 'run.failed',
      error: { code: 'budget_exceeded', nodeId: 'second', details: { limit: 'maxTokens', spent: 15 } },
    });

    const asked: unknown[] = [];
    const ledger: UsageLedger = {
      runUsage: async () => ({ runId: 'r-1', tokens: 0, costUsd: 0 }),
      workflowCostToday: async (workflowId, exclude) => (asked.push([workflowId, exclude]), 4.9999999),
    };
    openai.reset();
    const daily = await (await setup({ ledger })).run(twoCalls({ maxCostUsdPerDay: 5 }), { topic: 'x' });
    expect(daily.last).toMatchObject({
      type: 'run.failed',
      error: { code: 'budget_exceeded', nodeId: 'second', details: { limit: 'maxCostUsdPerDay', max: 5 } },
    });
    expect(openai.requests).toHaveLength(1);
    expect(asked[0]).toEqual([expect.stringMatching(/^wf-/), 'r-1']);
    openai.fallback = { text: 'ok' };
  });
});

describe('tools through the engine wiring', () => {
  const httpDoc = (url: string) =>
    wf({
      state: { result: { type: 'json' } },
      nodes: [start(), { id: 'fetch', type: 'tool', config: { tool: 'http', url, output: 'result' } }, end(['result'])],
      edges: edges(['start', 'fetch'], ['fetch', 'end']),
    });

  it('refuses private addresses from a tool node by default (SSRF) and allows them when configured', async () => {
    const blocked = await (await setup()).run(httpDoc(`${webUrl}/secret`));
    expect(blocked.last).toMatchObject({
      type: 'run.failed',
      error: { code: 'tool_error', nodeId: 'fetch', details: { blocked: true, reason: 'non_public' } },
    });
    const byName = await (await setup()).run(httpDoc(webUrl.replace('127.0.0.1', 'localhost')));
    expect(byName.last).toMatchObject({
      type: 'run.failed',
      error: { code: 'tool_error', details: { blocked: true } },
    });
    const metadata = await (await setup()).run(httpDoc('http://169.254.169.254/latest/meta-data/'));
    expect(metadata.last).toMatchObject({
      type: 'run.failed',
      error: { code: 'tool_error', details: { blocked: true, range: 'linkLocal' } },
    });

    const allowed = await (await setup({ allowPrivate: true })).run(httpDoc(`${webUrl}/data`));
    expect(allowed.run).toMatchObject({ status: 'completed', output: { result: { internal: 'data' } } });
  });

  it('uses an MCP tool from an agent node and from a tool node (stdio MCP fixture)', async () => {
    const { run } = await setup();
    const r = await run(
      wf({
        state: { a: { type: 'number' }, answer: str, sum: { type: 'json' } },
        nodes: [
          start(['a']),
          {
            id: 'helper',
            type: 'agent',
            config: {
              model: 'scripted:m',
              prompt: 'Add {{ state.a }} and 3',
              tools: [{ kind: 'mcp', server: 'local', tool: 'add' }],
              output: 'answer',
            },
          },
          {
            id: 'direct',
            type: 'tool',
            config: {
              tool: 'mcp',
              mcpServer: 'local',
              mcpTool: 'add',
              args: '{ "a": state.a, "b": 40 }',
              output: 'sum',
            },
          },
          end(['answer', 'sum']),
        ],
        edges: edges(['start', 'helper'], ['helper', 'direct'], ['direct', 'end']),
        script: {
          nodes: {
            helper: [{ toolCalls: [{ name: 'local__add', args: { a: 2, b: 3 } }] }, { content: 'The sum is 5' }],
          },
        },
      }),
      { a: 2 },
    );
    expect(r.run).toMatchObject({ status: 'completed', output: { answer: 'The sum is 5', sum: { sum: 42 } } });
    expect(progress(r.events, 'tool_call')).toEqual([
      expect.objectContaining({ nodeId: 'helper', tool: 'local__add', ok: true, result: '2 + 3 = 5' }),
    ]);
  });

  it('fails an MCP tool node with tool_error when the engine has no MCP servers', async () => {
    const { run } = await setup({ withMcp: false });
    const r = await run(
      wf({
        state: { out: { type: 'json' } },
        nodes: [
          start(),
          { id: 'direct', type: 'tool', config: { tool: 'mcp', mcpServer: 'local', mcpTool: 'add', output: 'out' } },
          end(['out']),
        ],
        edges: edges(['start', 'direct'], ['direct', 'end']),
      }),
    );
    expect(r.last).toMatchObject({
      type: 'run.failed',
      error: { code: 'tool_error', nodeId: 'direct', message: expect.stringContaining('no MCP servers') },
    });
  });
});
