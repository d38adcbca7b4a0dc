import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AIMessageChunk, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { MessagesAnnotation, StateGraph } from '@langchain/langgraph';
import { RoutedChatModel } from './routed-chat-model.js';
import { FlowError } from '@flowcraft/schema';
import { ScriptedChatModel } from '@flowcraft/node-types/models';
import { createModelFactory } from './model-factory.js';

interface Received {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

const received: Received[] = [];
let server: Server;
let baseURL: string;

const USAGE = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };
const base = { id: 'chatcmpl-fixture', created: 1_700_000_000, model: 'gpt-4o-mini' };

function lastUserText(body: Record<string, unknown>): string {
  const messages = body['messages'] as Array<{ role: string; content: unknown }>;
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : '';
}

function sse(res: ServerResponse, events: unknown[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
  res.end('data: [DONE]\n\n');
}

function chunk(delta: Record<string, unknown>, finish: string | null = null): unknown {
  return {
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  };
}

/** A tiny OpenAI chat-completions server: text or a `search` tool call, JSON or SSE, or a 503. */
function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
  const body = JSON.parse(raw) as Record<string, unknown>;
  received.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
  if (req.url !== '/v1/chat/completions') {
    res.writeHead(404).end();
    return;
  }
  if (lastUserText(body).includes('please fail')) {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ error: { message: 'fixture overloaded', type: 'server_error', code: null, param: null } }),
    );
    return;
  }
  const wantsTool = Array.isArray(body['tools']) && body['tools'].length > 0;
  if (body['stream'] === true) {
    const events = wantsTool
      ? [
          chunk({
            role: 'assistant',
            content: null,
            tool_calls: [{ index: 0, id: 'call_s1', type: 'function', function: { name: 'search', arguments: '' } }],
          }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '"fox"}' } }] }),
          chunk({}, 'tool_calls'),
        ]
      : [
          chunk({ role: 'assistant', content: '' }),
          chunk({ content: 'Hello' }),
          chunk({ content: ' from' }),
          chunk({ content: ' fixture' }),
          chunk({}, 'stop'),
        ];
    sse(res, [...events, { ...base, object: 'chat.completion.chunk', choices: [], usage: USAGE }]);
    return;
  }
  const message = wantsTool
    ? {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'search', arguments: '{"q":"fox"}' } }],
      }
    : { role: 'assistant', content: 'Hello from fixture' };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message, finish_reason: wantsTool ? 'tool_calls' : 'stop', logprobs: null }],
      usage: USAGE,
    }),
  );
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (raw += d));
    req.on('end', () => handle(req, res, raw));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
});

const search = tool(async () => 'results', {
  name: 'search',
  description: 'Search the web',
  schema: z.object({ q: z.string() }),
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

function openai(env: Record<string, string> = {}) {
  return createModelFactory({ env: { OPENAI_BASE_URL: baseURL, OPENAI_API_KEY: 'test', ...env } });
}

describe('openai provider against a local fixture server', () => {
  it('sends model, messages and tools, and parses a tool-call response with usage', async () => {
    const model = openai().chat('openai:gpt-4o-mini', { nodeId: 'n1' });
    expect(model).toBeInstanceOf(RoutedChatModel);
    const bound = model.bindTools?.([search]);
    if (bound === undefined) throw new Error('ChatOpenAI should support bindTools');
    const msg = await bound.invoke([new SystemMessage('You search.'), new HumanMessage('find the fox')]);

    expect(received).toHaveLength(1);
    const { path, authorization, body } = received[0]!;
    expect(path).toBe('/v1/chat/completions');
    expect(authorization).toBe('Bearer test');
    expect(body['model']).toBe('gpt-4o-mini');
    expect(body['stream']).toBeFalsy();
    expect(body['messages']).toEqual([
      { role: 'system', content: 'You search.' },
      { role: 'user', content: 'find the fox' },
    ]);
    expect(body['tools']).toEqual([
      {
        type: 'function',
        function: expect.objectContaining({
          name: 'search',
          description: 'Search the web',
          parameters: expect.objectContaining({
            type: 'object',
            properties: { q: { type: 'string' } },
            required: ['q'],
          }),
        }),
      },
    ]);
    expect(msg.tool_calls).toEqual([{ type: 'tool_call', name: 'search', args: { q: 'fox' }, id: 'call_abc' }]);
    expect(msg.usage_metadata).toMatchObject({ input_tokens: 11, output_tokens: 7, total_tokens: 18 });
  });

  it('parses a plain text answer', async () => {
    const msg = await openai().chat('openai:gpt-4o-mini', { nodeId: 'n1' }).invoke('hi');
    expect(msg.text).toBe('Hello from fixture');
    expect(msg.tool_calls).toEqual([]);
    expect(msg.usage_metadata).toMatchObject({ input_tokens: 11, output_tokens: 7, total_tokens: 18 });
    expect(msg.response_metadata).toMatchObject({ model_name: 'gpt-4o-mini', flowcraft_model: 'openai:gpt-4o-mini' });
  });

  it('streams SSE tokens and tool-call deltas, with usage', async () => {
    const model = openai().chat('openai:gpt-4o-mini', { nodeId: 'n1' });
    const texts: string[] = [];
    let agg: AIMessageChunk | undefined;
    for await (const c of await model.stream('hi')) {
      texts.push(c.text);
      agg = agg === undefined ? c : agg.concat(c);
    }
    expect(received[0]?.body['stream']).toBe(true);
    expect(received[0]?.body['stream_options']).toEqual({ include_usage: true });
    expect(texts.filter((t) => t !== '')).toEqual(['Hello', ' from', ' fixture']);
    expect(agg?.text).toBe('Hello from fixture');
    expect(agg?.usage_metadata).toMatchObject({ input_tokens: 11, output_tokens: 7, total_tokens: 18 });

    const bound = model.bindTools?.([search]);
    if (bound === undefined) throw new Error('ChatOpenAI should support bindTools');
    let toolAgg: AIMessageChunk | undefined;
    for await (const c of await bound.stream('find the fox')) toolAgg = toolAgg === undefined ? c : toolAgg.concat(c);
    expect(toolAgg?.tool_calls).toEqual([{ type: 'tool_call', name: 'search', args: { q: 'fox' }, id: 'call_s1' }]);
  });

  it('streams through LangGraph messages mode without streaming being forced on the model', async () => {
    const model = openai().chat('openai:gpt-4o-mini', { nodeId: 'chat' });
    const graph = new StateGraph(MessagesAnnotation)
      .addNode('chat', async (state) => ({ messages: [await model.invoke(state.messages)] }))
      .addEdge('__start__', 'chat')
      .compile();
    const tokens: string[] = [];
    for await (const [msg] of await graph.stream({ messages: [new HumanMessage('hi')] }, { streamMode: 'messages' }))
      tokens.push(msg.text);
    expect(received[0]?.body['stream']).toBe(true);
    expect(tokens.filter((t) => t !== '')).toEqual(['Hello', ' from', ' fixture']);
  });

  it('surfaces provider errors as retryable FlowErrors with their status and does not retry on its own', async () => {
    const model = openai().chat('openai:gpt-4o-mini', { nodeId: 'n1' });
    const err: unknown = await model.invoke('please fail').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowError);
    expect(err).toMatchObject({
      code: 'model_error',
      retryable: true,
      nodeId: 'n1',
      details: { status: 503, model: 'openai:gpt-4o-mini' },
    });
    expect(received).toHaveLength(1);
  });

  it('needs no key for a custom base URL', async () => {
    const factory = createModelFactory({ env: { OPENAI_BASE_URL: baseURL } });
    await factory.chat('openai:local-model', { nodeId: 'n1' }).invoke('hi');
    expect(received[0]?.authorization).toBe('Bearer not-needed');
    expect(received[0]?.body['model']).toBe('local-model');
  });
});

describe('model factory routing', () => {
  it('routes scripted specs to the scripted model and exposes its calls', async () => {
    const factory = createModelFactory({ script: { default: { content: 'offline' } }, env: {} });
    const model = factory.chat('scripted:demo', { nodeId: 'n1' });
    expect(model).toBeInstanceOf(ScriptedChatModel);
    expect((await model.invoke('x')).text).toBe('offline');
    expect(factory.calls).toEqual([expect.objectContaining({ nodeId: 'n1', model: 'scripted:demo' })]);
  });

  it('FLOWCRAFT_MODEL_OVERRIDE replaces scripted specs only', async () => {
    const factory = openai({ FLOWCRAFT_MODEL_OVERRIDE: 'openai:gpt-4o-mini' });
    const model = factory.chat('scripted:demo', { nodeId: 'n1' });
    expect(model).toBeInstanceOf(RoutedChatModel);
    expect((await model.invoke('hi')).text).toBe('Hello from fixture');
    expect(received[0]?.body['model']).toBe('gpt-4o-mini');
    expect(factory.calls).toEqual([]);
    const real = factory.chat('openai:gpt-4.1', { nodeId: 'n1' });
    expect(real instanceof RoutedChatModel && real.chain).toEqual(['openai:gpt-4.1']);
    expect(factory.chain('scripted:x')).toEqual(['openai:gpt-4o-mini']);
  });

  it('rejects unknown providers listing the supported ones', () => {
    const factory = createModelFactory({ env: {} });
    const err = thrown(() => factory.chat('mistral:large', { nodeId: 'n7' }));
    expect(err).toBeInstanceOf(FlowError);
    expect(err).toMatchObject({ code: 'model_error', nodeId: 'n7' });
    expect(String((err as Error).message)).toMatch(/mistral.*scripted, openai, anthropic, ollama/);
    expect(() => factory.chat('gpt-4o', { nodeId: 'n1' })).toThrow(/provider:model/);
  });

  it('explains a missing OPENAI_API_KEY', () => {
    const factory = createModelFactory({ env: {} });
    const err = thrown(() => factory.chat('openai:gpt-4o-mini', { nodeId: 'n1' }));
    expect(err).toBeInstanceOf(FlowError);
    expect(err).toMatchObject({ code: 'model_error', message: expect.stringMatching(/OPENAI_API_KEY/) });
  });
});
