import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doc, end, runDoc, start } from '../testing/harness.js';

const str = { type: 'string' as const, reducer: 'replace' as const };
let base = '';
let hits = 0;
const server = createServer((req, res) => {
  hits++;
  if (req.url?.startsWith('/flaky')) {
    res.writeHead(503).end('busy');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ city: 'Oslo', temperatureC: 7 }));
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('compile: agent', () => {
  it('loops model → tools → model until it answers, one step per iteration', async () => {
    const d = doc({
      state: { input: str, answer: str, transcript: { type: 'messages', reducer: 'messages' } },
      nodes: [
        start(['input']),
        {
          id: 'agent',
          type: 'agent',
          config: {
            model: 'scripted:m',
            tools: [
              { kind: 'calculator' },
              { kind: 'http', name: 'weather', description: 'Current weather', baseUrl: `${base}/weather` },
              {
                kind: 'code',
                name: 'shout',
                description: 'Upper-cases text',
                code: 'return String(input.text).toUpperCase();',
              },
            ],
            output: 'answer',
            appendTo: 'transcript',
          },
        },
        end(['answer', 'transcript']),
      ],
      edges: [
        ['start', 'agent'],
        ['agent', 'end'],
      ],
      script: {
        nodes: {
          agent: [
            {
              toolCalls: [
                { name: 'calculator', args: { expression: '6 * 7' } },
                { name: 'weather', args: {} },
              ],
            },
            { toolCalls: [{ name: 'shout', args: { text: 'done' } }] },
            { content: 'It is 7°C in Oslo; 6*7 = 42. DONE' },
          ],
        },
      },
    });
    const run = await runDoc(d, { input: 'weather and math' });
    expect(run.outcome).toMatchObject({ status: 'completed', output: { answer: 'It is 7°C in Oslo; 6*7 = 42. DONE' } });
    expect(run.path).toEqual(['start', 'agent', 'agent', 'agent', 'end']);
    if (run.outcome.status !== 'completed') return;
    const tools = (run.outcome.output.transcript as { type: string; content: unknown }[])
      .filter((m) => m.type === 'tool')
      .map((m) => String(m.content));
    expect(tools[0]).toBe('42');
    expect(tools[1]).toContain('Oslo');
    expect(tools[2]).toContain('DONE');
  });

  it('fails at max iterations when the model keeps calling tools', async () => {
    const d = doc({
      state: { input: str, answer: str },
      nodes: [
        start(['input']),
        {
          id: 'agent',
          type: 'agent',
          config: { model: 'scripted:m', maxIterations: 2, tools: [{ kind: 'calculator' }], output: 'answer' },
        },
        end(['answer']),
      ],
      edges: [
        ['start', 'agent'],
        ['agent', 'end'],
      ],
      script: { nodes: { agent: [{ toolCalls: [{ name: 'calculator', args: { expression: '1+1' } }] }] } },
    });
    const run = await runDoc(d, { input: 'loop' });
    expect(run.outcome).toMatchObject({ status: 'failed', error: { code: 'node_failed', nodeId: 'agent' } });
    expect(run.calls).toHaveLength(2);
  });
});

describe('compile: tool node', () => {
  const toolDoc = (config: Record<string, unknown>, extra: { retry?: boolean } = {}) =>
    doc({
      state: { a: { type: 'number', reducer: 'replace' }, url: str, result: { type: 'json', reducer: 'replace' } },
      nodes: [
        start([]),
        {
          id: 'tool',
          type: 'tool',
          config: {
            output: 'result',
            ...config,
            ...(extra.retry ? { retry: { maxAttempts: 3, initialIntervalMs: 1, jitter: false } } : {}),
          },
        },
        {
          id: 'fallback',
          type: 'transform',
          config: { assignments: [{ channel: 'result', value: 'fallback: {{ state.__error.message }}' }] },
        },
        end(['result']),
      ],
      edges: [
        ['start', 'tool'],
        ['tool', 'end'],
        ['tool', 'fallback', 'error'],
        ['fallback', 'end'],
      ],
    });

  it('evaluates a calculator expression template', async () => {
    const run = await runDoc(toolDoc({ tool: 'calculator', expression: '{{ state.a }} * 2 + 1' }), { a: 20 });
    expect(run.outcome).toMatchObject({ output: { result: 41 } });
  });

  it('runs code in the sandbox on an input expression', async () => {
    const run = await runDoc(
      toolDoc({ tool: 'code', input: '{ "n": state.a }', code: 'return { squared: input.n * input.n };' }),
      { a: 9 },
    );
    expect(run.outcome).toMatchObject({ output: { result: { squared: 81 } } });
  });

  it('makes an HTTP request with a templated URL', async () => {
    const run = await runDoc(toolDoc({ tool: 'http', url: '{{ state.url }}/weather' }), { url: base });
    expect(run.outcome).toMatchObject({ output: { result: { city: 'Oslo' } } });
  });

  it('retries a flaky endpoint, then takes the error branch', async () => {
    hits = 0;
    const run = await runDoc(toolDoc({ tool: 'http', url: '{{ state.url }}/flaky' }, { retry: true }), { url: base });
    expect(hits).toBe(3);
    expect(run.path).toEqual(['start', 'fallback', 'end']);
    expect(run.events.filter((e) => e.type === 'node.failed')).toHaveLength(3);
    expect(run.outcome).toMatchObject({
      status: 'completed',
      output: { result: expect.stringContaining('fallback: ') },
    });
  });

  it('a sandbox escape attempt fails cleanly', async () => {
    const run = await runDoc(
      toolDoc({ tool: 'code', code: 'return typeof process + typeof require + typeof fetch;' }),
      {},
    );
    expect(run.outcome).toMatchObject({ output: { result: 'undefinedundefinedundefined' } });
  });
});
