import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AIMessage,
  type AIMessageChunk,
  HumanMessage,
  SystemMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { MessagesAnnotation, StateGraph } from '@langchain/langgraph';
import { FlowError, type ModelScript } from '@flowcraft/schema';
import { createScriptedModels, ScriptedChatModel, ScriptedModelError } from './index.js';

function modelFor(script: ModelScript | undefined, nodeId = 'n1', name = 'demo') {
  const models = createScriptedModels(script);
  return { models, model: models.chat(`scripted:${name}`, { nodeId }) };
}

async function text(model: ScriptedChatModel, input: string | BaseMessage[]): Promise<string> {
  return (await model.invoke(input)).text;
}

describe('reply lookup', () => {
  it('consumes node replies in order and repeats the last', async () => {
    const { model } = modelFor({
      nodes: { n1: [{ content: 'one' }, { content: 'two' }] },
      default: { content: 'dflt' },
    });
    expect([await text(model, 'a'), await text(model, 'b'), await text(model, 'c')]).toEqual(['one', 'two', 'two']);
  });

  it('shares the per-node index across instances of one run, not across nodes or runs', async () => {
    const script: ModelScript = { nodes: { n1: [{ content: 'one' }, { content: 'two' }, { content: 'three' }] } };
    const models = createScriptedModels(script);
    expect(await text(models.chat('scripted:a', { nodeId: 'n1' }), 'x')).toBe('one');
    expect(await text(models.chat('scripted:b', { nodeId: 'n1' }), 'x')).toBe('two');
    expect(await text(models.chat('scripted:a', { nodeId: 'n2' }), 'hi there')).toBe('hi there');
    expect(await text(createScriptedModels(script).chat('scripted:a', { nodeId: 'n1' }), 'x')).toBe('one');
  });

  it('uses the first matching rule by node and case-insensitive whenContains on the last human message', async () => {
    const script: ModelScript = {
      rules: [
        { node: 'other', whenContains: 'weather', reply: { content: 'wrong node' } },
        { whenContains: 'WEATHER', reply: { content: 'sunny' } },
        { node: 'n1', reply: { content: 'n1 rule' } },
        { whenContains: 'weather', reply: { content: 'later rule' } },
      ],
      default: { content: 'dflt' },
    };
    const { model } = modelFor(script);
    expect(await text(model, 'What is the Weather?')).toBe('sunny');
    expect(await text(model, 'hello')).toBe('n1 rule');
    const onOther = createScriptedModels(script).chat('scripted:x', { nodeId: 'n9' });
    expect(await text(onOther, 'hello')).toBe('dflt');
    // Only the last human message counts, not system text or earlier turns.
    const msgs = [
      new SystemMessage('weather bot'),
      new HumanMessage('weather?'),
      new AIMessage('ok'),
      new HumanMessage('thanks'),
    ];
    expect(await text(onOther, msgs)).toBe('dflt');
  });

  it('falls back to default, then to an echo of the last human message', async () => {
    expect(await text(modelFor({ default: { content: 'dflt' } }).model, 'hi')).toBe('dflt');
    const { model } = modelFor(undefined);
    expect(await text(model, [new HumanMessage('first'), new AIMessage('x'), new HumanMessage('echo me')])).toBe(
      'echo me',
    );
  });
});

describe('answers', () => {
  it('returns tool calls, generating deterministic ids when the script has none', async () => {
    const { model } = modelFor({
      nodes: {
        n1: [
          {
            toolCalls: [
              { name: 'search', args: { q: 'a' } },
              { name: 'calc', args: { expr: '1+1' }, id: 'mine' },
            ],
          },
          { toolCalls: [{ name: 'search', args: { q: 'b' } }] },
        ],
      },
    });
    const first = await model.invoke('go');
    expect(first.tool_calls).toEqual([
      { type: 'tool_call', name: 'search', args: { q: 'a' }, id: 'call_n1_1' },
      { type: 'tool_call', name: 'calc', args: { expr: '1+1' }, id: 'mine' },
    ]);
    expect(first.response_metadata).toMatchObject({
      model_name: 'scripted:demo',
      scripted: true,
      finish_reason: 'tool_calls',
    });
    expect((await model.invoke('go')).tool_calls?.[0]?.id).toBe('call_n1_2');
    expect(AIMessage.isInstance(first)).toBe(true);
  });

  it('reports scripted usage, or estimates it at one token per four characters', async () => {
    const { model } = modelFor({
      nodes: { n1: [{ content: 'x', usage: { input: 12, output: 3 } }, { content: 'abcdefghi' }] },
    });
    expect((await model.invoke('hello')).usage_metadata).toEqual({
      input_tokens: 12,
      output_tokens: 3,
      total_tokens: 15,
    });
    // input "hello world!" = 12 chars -> 3 tokens; output 9 chars -> 3 tokens
    expect((await model.invoke('hello world!')).usage_metadata).toEqual({
      input_tokens: 3,
      output_tokens: 3,
      total_tokens: 6,
    });
  });

  it('throws a provider-like error with status for an error reply, consuming that reply', async () => {
    const { model } = modelFor({
      nodes: { n1: [{ error: { message: 'overloaded', status: 503 } }, { content: 'recovered' }] },
    });
    const err: unknown = await model.invoke('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScriptedModelError);
    expect(err).toMatchObject({ message: 'overloaded', status: 503, nodeId: 'n1' });
    expect(await text(model, 'x')).toBe('recovered');
  });

  it('rejects with the abort reason when aborted during the delay', async () => {
    const { model, models } = modelFor({ default: { content: 'late', delayMs: 60_000 } });
    const ac = new AbortController();
    const reason = new Error('stop now');
    const pending = model.invoke('x', { signal: ac.signal });
    setTimeout(() => ac.abort(reason), 5);
    await expect(pending).rejects.toBe(reason);
    expect(models.calls).toHaveLength(1);
    const aborted = new AbortController();
    aborted.abort(reason);
    await expect(modelFor({ default: { content: 'now' } }).model.invoke('x', { signal: aborted.signal })).rejects.toBe(
      reason,
    );
  });

  it('honours script latency before answering (still pending when aborted)', async () => {
    const { model } = modelFor({ latencyMs: 60_000, default: { content: 'slow' } });
    const ac = new AbortController();
    const pending = model.stream('x', { signal: ac.signal }).then(async (s) => {
      for await (const c of s) void c;
    });
    setTimeout(() => ac.abort(new Error('cut')), 20);
    await expect(pending).rejects.toThrow('cut');
  });

  it('records every call with node, model, message count, tools and source', async () => {
    const { models, model } = modelFor({
      nodes: { n1: [{ content: 'a' }] },
      rules: [{ whenContains: 'x', reply: { content: 'r' } }],
    });
    await model.invoke([new SystemMessage('s'), new HumanMessage('h')]);
    await models
      .chat('scripted:other', { nodeId: 'n2' })
      .bindTools([{ type: 'function', function: { name: 't1', parameters: {} } }])
      .invoke('x');
    await models.chat('scripted:other', { nodeId: 'n3' }).invoke('y');
    expect(models.calls).toEqual([
      { nodeId: 'n1', model: 'scripted:demo', messages: 2, tools: [], source: 'node' },
      { nodeId: 'n2', model: 'scripted:other', messages: 1, tools: ['t1'], source: 'rule' },
      { nodeId: 'n3', model: 'scripted:other', messages: 1, tools: [], source: 'echo' },
    ]);
  });

  it('refuses a spec that is not scripted', () => {
    expect(() => createScriptedModels(undefined).chat('openai:gpt-4o', { nodeId: 'n1' })).toThrow(FlowError);
  });
});

describe('tools and structured output', () => {
  const Person = z.object({ name: z.string(), age: z.number() });
  const script: ModelScript = { default: { structured: { name: 'Ada', age: 36 } } };

  it('withStructuredOutput(zod) returns the structured object', async () => {
    const { model } = modelFor(script);
    const out = await model.withStructuredOutput(Person).invoke('who?');
    expect(out).toEqual({ name: 'Ada', age: 36 });
  });

  it('withStructuredOutput(JSON Schema) returns the structured object, with raw when asked', async () => {
    const { model } = modelFor(script);
    const schema = {
      title: 'person',
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'number' } },
      required: ['name', 'age'],
    };
    expect(await model.withStructuredOutput(schema, { name: 'person' }).invoke('who?')).toEqual({
      name: 'Ada',
      age: 36,
    });
    const both = await model.withStructuredOutput(schema, { name: 'person', includeRaw: true }).invoke('who?');
    expect(both.parsed).toEqual({ name: 'Ada', age: 36 });
    expect(AIMessage.isInstance(both.raw) && both.raw.tool_calls?.[0]?.name).toBe('person');
  });

  it('answers structured replies as JSON text when no tool carries them', async () => {
    expect(await text(modelFor(script).model, 'who?')).toBe('{"name":"Ada","age":36}');
  });

  it('bindTools shares the cursor, records tools and follows a forced tool_choice', async () => {
    const search = tool(async () => 'r', {
      name: 'search',
      description: 'search',
      schema: z.object({ q: z.string() }),
    });
    const calc = tool(async () => '2', { name: 'calc', description: 'calc', schema: z.object({ e: z.string() }) });
    const { model } = modelFor({ nodes: { n1: [{ content: 'first' }, { structured: { e: '1+1' } }] } });
    expect(await text(model, 'x')).toBe('first');
    const bound = model.bindTools([search, calc], { tool_choice: 'calc' });
    expect(bound).toBeInstanceOf(ScriptedChatModel);
    expect(bound.boundTools).toHaveLength(2);
    const msg = await bound.invoke('x');
    expect(msg.tool_calls).toEqual([{ type: 'tool_call', name: 'calc', args: { e: '1+1' }, id: 'call_n1_1' }]);
  });
});

describe('streaming', () => {
  const script: ModelScript = {
    default: {
      content: 'The quick brown fox jumps',
      toolCalls: [{ name: 'search', args: { q: 'fox' } }],
      usage: { input: 5, output: 7 },
    },
  };

  it('streams word chunks whose concatenation equals the non-streamed message', async () => {
    const streamed = modelFor(script).model;
    const chunks: AIMessageChunk[] = [];
    for await (const c of await streamed.stream('go')) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.slice(0, -1).map((c) => c.text)).toEqual(['The ', 'quick ', 'brown ', 'fox ', 'jumps']);
    const agg = chunks.reduce((a, b) => a.concat(b));
    const plain = await modelFor(script).model.invoke('go');
    expect(agg.text).toBe(plain.text);
    expect(agg.tool_calls).toEqual(plain.tool_calls);
    // Chunk concatenation adds empty *_token_details objects; the counts must match.
    expect(agg.usage_metadata).toMatchObject({ input_tokens: 5, output_tokens: 7, total_tokens: 12 });
    expect(plain.usage_metadata).toEqual({ input_tokens: 5, output_tokens: 7, total_tokens: 12 });
    expect(agg.response_metadata).toEqual(plain.response_metadata);
    expect(plain.tool_calls).toEqual([{ type: 'tool_call', name: 'search', args: { q: 'fox' }, id: 'call_n1_1' }]);
  });

  it("paces the stream by streamIntervalMs (the reply's, else the script's): words arrive over time", async () => {
    const arrivals = async (m: ScriptedChatModel) => {
      const t0 = performance.now();
      const at: number[] = [];
      for await (const c of await m.stream('go')) if (c.text !== '') at.push(performance.now() - t0);
      return at;
    };
    const paced = await arrivals(modelFor({ streamIntervalMs: 40, default: { content: 'one two three' } }).model);
    expect(paced).toHaveLength(3);
    // Between consecutive words at least the interval (timers may fire a millisecond early).
    for (let i = 1; i < paced.length; i++) expect((paced[i] ?? 0) - (paced[i - 1] ?? 0)).toBeGreaterThanOrEqual(38);
    const own = await arrivals(
      modelFor({ streamIntervalMs: 1_000, default: { content: 'a b', streamIntervalMs: 30 } }).model,
    );
    expect((own[1] ?? 0) - (own[0] ?? 0)).toBeGreaterThanOrEqual(28);
    expect((own[1] ?? 0) - (own[0] ?? 0)).toBeLessThan(900);
    // Unpaced by default: every word at once.
    const at = await arrivals(modelFor({ default: { content: 'one two three' } }).model);
    expect((at[2] ?? 0) - (at[0] ?? 0)).toBeLessThan(30);
  });

  it('feeds LangGraph streamMode "messages" token by token', async () => {
    const { model } = modelFor({ default: { content: 'alpha beta gamma' } }, 'chat');
    const graph = new StateGraph(MessagesAnnotation)
      .addNode('chat', async (state) => ({ messages: [await model.invoke(state.messages)] }))
      .addEdge('__start__', 'chat')
      .compile();
    const tokens: string[] = [];
    for await (const [msg, meta] of await graph.stream(
      { messages: [new HumanMessage('hi')] },
      { streamMode: 'messages' },
    )) {
      expect(meta.langgraph_node).toBe('chat');
      tokens.push(msg.text);
    }
    expect(tokens.filter((t) => t !== '')).toEqual(['alpha ', 'beta ', 'gamma']);
    const final = await graph.invoke({ messages: [new HumanMessage('hi')] });
    expect(final.messages.at(-1)?.text).toBe('alpha beta gamma');
  });
});
