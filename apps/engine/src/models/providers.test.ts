import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import { tool } from '@langchain/core/tools';
import type { SinkEvent } from '../compile/run-sink.js';
import { ModelEvents } from '../execution/model-events.js';
import { createModelFactory } from './model-factory.js';
import { startAnthropicFixture, startOllamaFixture, startOpenAIFixture, type FixtureServer } from './fixtures/index.js';

/** Records what LangChain callbacks report: streamed tokens and the final result. Prefers streaming like the run handler. */
class Recorder extends BaseCallbackHandler {
  name = 'recorder';
  override awaitHandlers = true;
  readonly lc_prefer_streaming = true;
  tokens: string[] = [];
  results: LLMResult[] = [];
  override handleLLMNewToken(token: string): void {
    if (token !== '') this.tokens.push(token);
  }
  override handleLLMEnd(output: LLMResult): void {
    this.results.push(output);
  }
}

function lastMessage(r: Recorder): AIMessage | AIMessageChunk {
  const gen = r.results.at(-1)?.generations[0]?.[0];
  const m = gen && 'message' in gen ? gen.message : undefined;
  if (!AIMessage.isInstance(m) && !AIMessageChunk.isInstance(m)) throw new Error('no AI message in the result');
  return m;
}

const search = tool(async () => 'results', {
  name: 'search',
  description: 'Search the web',
  schema: z.object({ q: z.string() }),
});

let openai: FixtureServer & { baseURL: string };
let anthropic: FixtureServer;
let ollama: FixtureServer;

beforeAll(async () => {
  [openai, anthropic, ollama] = await Promise.all([
    startOpenAIFixture(),
    startAnthropicFixture(),
    startOllamaFixture(),
  ]);
});
afterAll(async () => {
  await Promise.all([openai.close(), anthropic.close(), ollama.close()]);
});
beforeEach(() => {
  for (const f of [openai, anthropic, ollama]) f.reset();
});

function env() {
  return {
    OPENAI_BASE_URL: openai.baseURL,
    OPENAI_API_KEY: 'sk-openai-fixture-key',
    ANTHROPIC_BASE_URL: anthropic.url,
    ANTHROPIC_API_KEY: 'sk-ant-fixture-key',
    OLLAMA_BASE_URL: ollama.url,
  };
}

interface Case {
  spec: string;
  server: () => FixtureServer;
  /** Where the key travels. */
  auth: (h: Record<string, string | undefined>) => string | undefined;
  cachedReported: boolean;
}

const cases: Case[] = [
  { spec: 'openai:gpt-4o-mini', server: () => openai, auth: (h) => h['authorization'], cachedReported: true },
  { spec: 'anthropic:claude-sonnet-4-5', server: () => anthropic, auth: (h) => h['x-api-key'], cachedReported: true },
  { spec: 'ollama:llama3.2:3b', server: () => ollama, auth: () => 'none', cachedReported: false },
];

function model(spec: string, rec?: Recorder): BaseChatModel {
  const m = createModelFactory({ env: env() }).chat(spec, { nodeId: 'n1' });
  if (rec) m.callbacks = [rec];
  return m;
}

describe.each(cases)('$spec against its wire-protocol fixture', ({ spec, server, auth, cachedReported }) => {
  const modelName = spec.slice(spec.indexOf(':') + 1);

  it('answers a plain call with usage and the model actually used', async () => {
    server().enqueue({ text: 'Hello from fixture', usage: { input: 20, output: 4, cached: 8 } });
    const msg = await model(spec).invoke([new SystemMessage('Be brief.'), new HumanMessage('hi')]);
    expect(msg.text).toBe('Hello from fixture');
    expect(msg.tool_calls ?? []).toEqual([]);
    expect(msg.usage_metadata).toMatchObject({ input_tokens: 20, output_tokens: 4 });
    if (cachedReported) expect(msg.usage_metadata?.input_token_details?.cache_read).toBe(8);
    expect(msg.response_metadata).toMatchObject({ flowcraft_model: spec, flowcraft_requested: spec });
    const [req] = server().requests;
    expect(req?.body['model']).toBe(modelName);
    expect(JSON.stringify(req?.body['messages'])).toContain('hi');
    if (spec.startsWith('openai')) expect(auth(req!.headers)).toBe('Bearer sk-openai-fixture-key');
    if (spec.startsWith('anthropic')) expect(auth(req!.headers)).toBe('sk-ant-fixture-key');
  });

  it('streams tokens through LangChain callbacks as they arrive, with usage at the end', async () => {
    server().enqueue({ text: 'one two three', usage: { input: 7, output: 3 } });
    const rec = new Recorder();
    const msg = await model(spec, rec).invoke('count');
    expect(server().requests[0]?.body['stream']).not.toBe(false);
    expect(rec.tokens).toEqual(['one', ' two', ' three']);
    expect(msg.text).toBe('one two three');
    const end = lastMessage(rec);
    expect(end.usage_metadata).toMatchObject({ input_tokens: 7, output_tokens: 3 });
    expect(end.response_metadata).toMatchObject({ flowcraft_model: spec });
  });

  it('streams with .stream() too', async () => {
    server().enqueue({ text: 'a b', usage: { input: 2, output: 2 } });
    let agg: AIMessageChunk | undefined;
    const texts: string[] = [];
    for await (const c of await model(spec).stream('x')) {
      if (c.text) texts.push(c.text);
      agg = agg === undefined ? c : agg.concat(c);
    }
    expect(texts).toEqual(['a', ' b']);
    expect(agg?.usage_metadata).toMatchObject({ input_tokens: 2, output_tokens: 2 });
    expect(agg?.response_metadata['flowcraft_model']).toBe(spec);
  });

  it('sends tools and parses tool calls, plain and streamed', async () => {
    server().enqueue(
      { toolCalls: [{ id: 'call_a', name: 'search', args: { q: 'fox' } }] },
      { toolCalls: [{ id: 'call_b', name: 'search', args: { q: 'owl' } }] },
    );
    const base = model(spec);
    const bound = base.bindTools?.([search]);
    if (!bound) throw new Error('bindTools');
    const msg = await bound.invoke('find the fox');
    expect(msg.tool_calls).toEqual([expect.objectContaining({ name: 'search', args: { q: 'fox' } })]);
    if (!spec.startsWith('ollama')) expect(msg.tool_calls?.[0]?.id).toBe('call_a');
    const sent = JSON.stringify(server().requests[0]?.body['tools']);
    expect(sent).toContain('search');
    expect(sent).toContain('Search the web');

    const rec = new Recorder();
    base.callbacks = [rec];
    const streamed = await bound.invoke('find the owl');
    expect(streamed.tool_calls).toEqual([expect.objectContaining({ name: 'search', args: { q: 'owl' } })]);
  });

  it('gives structured output through a forced tool call', async () => {
    server().enqueue({ toolCalls: [{ name: 'output', args: { city: 'Oslo', temp: 3 } }] });
    const schema = {
      title: 'output',
      type: 'object',
      properties: { city: { type: 'string' }, temp: { type: 'number' } },
      required: ['city', 'temp'],
    };
    const res = await model(spec).withStructuredOutput(schema, { name: 'output', includeRaw: true }).invoke('weather?');
    expect(res.parsed).toEqual({ city: 'Oslo', temp: 3 });
    const choice = server().requests[0]?.body['tool_choice'];
    if (spec.startsWith('openai')) expect(choice).toEqual({ type: 'function', function: { name: 'output' } });
    if (spec.startsWith('anthropic')) expect(choice).toEqual({ type: 'tool', name: 'output' });
  });
});

describe('the run token handler (run/model-events.ts) with routed models', () => {
  it.each(cases)('$spec: tokens and usage reach the run sink', async ({ spec, server, cachedReported }) => {
    server().enqueue({ text: 'hi there', usage: { input: 9, output: 2, cached: 4 } });
    const events = new ModelEvents();
    const got: SinkEvent[] = [];
    const stop = events.listen('t1', (e) => got.push(e), true);
    const m = model(spec);
    m.callbacks = [events];
    await m.invoke('x', { metadata: { thread_id: 't1', langgraph_node: 'chat', langgraph_step: 1 } });
    stop();
    expect(got.filter((e) => e.kind === 'token').map((e) => (e.kind === 'token' ? e.text : ''))).toEqual([
      'hi',
      ' there',
    ]);
    expect(got.filter((e) => e.kind === 'usage')).toEqual([
      expect.objectContaining({
        kind: 'usage',
        graphNode: 'chat',
        step: 1,
        model: spec,
        input: 9,
        output: 2,
        ...(cachedReported ? { cached: 4 } : {}),
      }),
    ]);
    const usage = got.find((e) => e.kind === 'usage');
    expect(usage?.kind === 'usage' && !cachedReported ? usage.cached : undefined).toBeUndefined();
  });
});
