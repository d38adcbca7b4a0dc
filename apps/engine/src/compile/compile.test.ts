import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '@flowcraft/schema';
import { MemorySaver } from '@langchain/langgraph';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { compile } from './compile.js';
import { createRunServices } from '../execution/services.js';
import { doc, end, runDoc, start } from '../testing/harness.js';

const str = { type: 'string' as const, reducer: 'replace' as const };

describe('compile: sequential and transform', () => {
  it('runs a chain in order and returns the end outputs', async () => {
    const d = doc({
      state: { name: str, greeting: str, count: { type: 'number', reducer: 'replace' } },
      nodes: [
        start(['name']),
        {
          id: 'greet',
          type: 'transform',
          config: { assignments: [{ channel: 'greeting', value: 'Hello, {{ state.name }}!' }] },
        },
        {
          id: 'len',
          type: 'transform',
          config: { assignments: [{ channel: 'count', mode: 'expression', value: '$length(state.greeting)' }] },
        },
        end(['greeting', 'count']),
      ],
      edges: [
        ['start', 'greet'],
        ['greet', 'len'],
        ['len', 'end'],
      ],
    });
    const run = await runDoc(d, { name: 'Ada' });
    expect(run.outcome).toMatchObject({ status: 'completed', output: { greeting: 'Hello, Ada!', count: 11 } });
    expect(run.path).toEqual(['start', 'greet', 'len', 'end']);
    const finished = run.events.find((e) => e.type === 'node.finished' && e.nodeId === 'greet');
    expect(finished).toMatchObject({ update: { greeting: 'Hello, Ada!' } });
    expect(run.events.filter((e) => e.type === 'checkpoint.saved').length).toBeGreaterThanOrEqual(4);
  });

  it('fails with invalid_input when a required start input is missing', async () => {
    const d = doc({ state: { name: str }, nodes: [start(['name']), end()], edges: [['start', 'end']] });
    const run = await runDoc(d, {});
    expect(run.outcome).toMatchObject({ status: 'failed', error: { code: 'invalid_input', nodeId: 'start' } });
  });

  it('refuses an invalid document with every problem', () => {
    const bad = doc({ nodes: [start(), { id: 'x', type: 'nope', config: {} }, end()], edges: [['start', 'missing']] });
    const services = createRunServices({ env: {} });
    let caught: unknown;
    try {
      compile(bad, createBuiltinRegistry(), services, { checkpointer: new MemorySaver() });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidDocumentError);
    const codes = caught instanceof InvalidDocumentError ? caught.problems.map((p) => p.code) : [];
    expect(codes).toEqual(expect.arrayContaining(['unknown_node_type', 'dangling_edge']));
  });
});

describe('compile: llm', () => {
  it('calls the model with the rendered prompt, streams tokens and counts usage', async () => {
    const d = doc({
      state: { topic: str, answer: str },
      nodes: [
        start(['topic']),
        {
          id: 'ask',
          type: 'llm',
          config: { model: 'scripted:m', prompt: 'Tell me about {{ state.topic }}', output: 'answer' },
        },
        end(['answer']),
      ],
      edges: [
        ['start', 'ask'],
        ['ask', 'end'],
      ],
      script: { nodes: { ask: [{ content: 'Tides follow the moon', usage: { input: 10, output: 4 } }] } },
    });
    const run = await runDoc(d, { topic: 'tides' });
    expect(run.outcome).toMatchObject({
      status: 'completed',
      output: { answer: 'Tides follow the moon' },
      tokens: { input: 10, output: 4 },
    });
    const tokens = run.events
      .filter((e) => e.type === 'model.token')
      .map((e) => (e.type === 'model.token' ? e.text : ''));
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('')).toBe('Tides follow the moon');
    expect(run.events.find((e) => e.type === 'node.finished' && e.nodeId === 'ask')).toMatchObject({
      tokens: { input: 10, output: 4 },
    });
    expect(run.calls.map((c) => c.nodeId)).toEqual(['ask']);
  });

  it('writes structured output into a json channel', async () => {
    const d = doc({
      state: { input: str, data: { type: 'json', reducer: 'replace' } },
      nodes: [
        start(['input']),
        {
          id: 'extract',
          type: 'llm',
          config: {
            model: 'scripted:m',
            output: 'data',
            schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
        end(['data']),
      ],
      edges: [
        ['start', 'extract'],
        ['extract', 'end'],
      ],
      script: { nodes: { extract: [{ structured: { city: 'Paris' } }] } },
    });
    const run = await runDoc(d, { input: 'I live in Paris' });
    expect(run.outcome).toMatchObject({ status: 'completed', output: { data: { city: 'Paris' } } });
  });
});

function routerDoc(mode: 'llm' | 'rules', reply?: { route: string; confidence: number }) {
  return doc({
    state: { input: str, score: { type: 'number', reducer: 'replace' }, handled: str },
    nodes: [
      start(['input']),
      {
        id: 'route',
        type: 'router',
        config: {
          mode,
          model: 'scripted:m',
          threshold: 0.7,
          routes: [
            { id: 'code', label: 'Code', description: 'programming', when: 'state.score > 0.5' },
            { id: 'content', label: 'Content', description: 'writing', when: 'state.score <= 0.5 and state.score > 0' },
          ],
        },
      },
      { id: 'code', type: 'transform', config: { assignments: [{ channel: 'handled', value: 'code' }] } },
      { id: 'content', type: 'transform', config: { assignments: [{ channel: 'handled', value: 'content' }] } },
      { id: 'unknown', type: 'transform', config: { assignments: [{ channel: 'handled', value: 'fallback' }] } },
      end(['handled']),
    ],
    edges: [
      ['start', 'route'],
      ['route', 'code', 'code'],
      ['route', 'content', 'content'],
      ['route', 'unknown', 'fallback'],
      ['code', 'end'],
      ['content', 'end'],
      ['unknown', 'end'],
    ],
    script: reply ? { nodes: { route: [{ structured: { ...reply, reason: 'test' } }] } } : undefined,
  });
}

describe('compile: router', () => {
  it('takes the classified branch above the threshold', async () => {
    const run = await runDoc(routerDoc('llm', { route: 'code', confidence: 0.9 }), { input: 'fix my bug' });
    expect(run.path).toEqual(['start', 'route', 'code', 'end']);
    expect(run.outcome).toMatchObject({ output: { handled: 'code' } });
  });
  it('takes the fallback below the threshold', async () => {
    const run = await runDoc(routerDoc('llm', { route: 'code', confidence: 0.4 }), { input: 'hmm' });
    expect(run.path).toEqual(['start', 'route', 'unknown', 'end']);
  });
  it('routes by rules over state, with fallback when none match', async () => {
    expect((await runDoc(routerDoc('rules'), { input: 'x', score: 0.9 })).path).toEqual([
      'start',
      'route',
      'code',
      'end',
    ]);
    expect((await runDoc(routerDoc('rules'), { input: 'x', score: 0.2 })).path).toEqual([
      'start',
      'route',
      'content',
      'end',
    ]);
    expect((await runDoc(routerDoc('rules'), { input: 'x', score: 0 })).path).toEqual([
      'start',
      'route',
      'unknown',
      'end',
    ]);
  });
});
