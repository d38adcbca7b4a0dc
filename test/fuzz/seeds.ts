import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { validateWorkflow } from '@flowcraft/schema';
import { childLibrary } from '@flowcraft/engine/testing';
import type { Json, JsonObject } from './json.js';

export interface Seed {
  name: string;
  doc: JsonObject;
}

export const EXAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples');

/** Every `examples/*.json` document, read now (examples are added while others work). */
export function loadExamples(dir = EXAMPLES_DIR): Seed[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error(`examples/${f} is not a JSON object`);
      return { name: `examples/${f}`, doc: parsed as JsonObject };
    });
}

/** The examples, callable by id from `subworkflow` nodes (as they are once imported). */
export const exampleChildren = childLibrary(
  loadExamples().flatMap((s) => {
    const parsed = validateWorkflow(s.doc, createBuiltinRegistry());
    return parsed.ok ? [parsed.document] : [];
  }),
);

const str: JsonObject = { type: 'string', reducer: 'replace' };
const appendList: JsonObject = { type: 'list', reducer: 'append' };

function node(id: string, type: string, config: JsonObject = {}, label = ''): JsonObject {
  return { id, type, typeVersion: 1, label, position: { x: 0, y: 0 }, config };
}

function edges(list: ([string, string] | [string, string, string])[]): Json[] {
  return list.map(([source, target, handle], i) => ({
    id: `e${i}`,
    source,
    target,
    ...(handle ? { sourceHandle: handle } : {}),
  }));
}

function doc(
  id: string,
  state: JsonObject,
  nodes: JsonObject[],
  edgeList: ([string, string] | [string, string, string])[],
  script?: JsonObject,
): JsonObject {
  return {
    schemaVersion: 1,
    id,
    name: id,
    description: `fuzz seed ${id}`,
    state,
    nodes,
    edges: edges(edgeList),
    settings: {
      recursionLimit: 25,
      defaultModel: 'scripted:default',
      timeoutMs: 5000,
      retry: { maxAttempts: 1, initialIntervalMs: 1, backoffFactor: 2, maxIntervalMs: 10, jitter: false },
    },
    ...(script ? { script } : {}),
  };
}

const start = (inputs: string[]): JsonObject =>
  node('start', 'start', { inputs: inputs.map((channel) => ({ channel, required: true })) }, 'Start');
const end = (outputs: string[]): JsonObject => node('end', 'end', { outputs }, 'End');

/**
 * Valid documents covering every built-in node type, so mutations also reach the compiler
 * (the examples alone may not cover every type, or may not be valid).
 */
export function syntheticSeeds(): Seed[] {
  const seeds: JsonObject[] = [
    doc(
      'linear',
      { input: str, output: str, summary: str },
      [
        start(['input']),
        node(
          'ask',
          'llm',
          { model: 'scripted:m', system: 'Be brief.', prompt: 'Answer: {{ state.input }}', output: 'output' },
          'Ask',
        ),
        node(
          'shape',
          'transform',
          { assignments: [{ channel: 'summary', mode: 'template', value: 'Summary: {{ state.output }}' }] },
          'Shape',
        ),
        end(['summary']),
      ],
      [
        ['start', 'ask'],
        ['ask', 'shape'],
        ['shape', 'end'],
      ],
      { latencyMs: 5, nodes: { ask: [{ content: 'forty-two' }] } },
    ),
    doc(
      'router-rules',
      { input: str, output: str, decision: { type: 'json', reducer: 'replace' } },
      [
        start(['input']),
        node(
          'route',
          'router',
          {
            mode: 'rules',
            routes: [
              { id: 'short', label: 'Short', when: '$length(state.input) < 5' },
              { id: 'long', label: 'Long', when: '$length(state.input) >= 5' },
            ],
            decision: 'decision',
          },
          'Route',
        ),
        node('s', 'transform', { assignments: [{ channel: 'output', value: 'short' }] }),
        node('l', 'llm', { model: 'scripted:m', output: 'output' }),
        node('fb', 'transform', { assignments: [{ channel: 'output', mode: 'expression', value: '"fallback"' }] }),
        end(['output', 'decision']),
      ],
      [
        ['start', 'route'],
        ['route', 's', 'short'],
        ['route', 'l', 'long'],
        ['route', 'fb', 'fallback'],
        ['s', 'end'],
        ['l', 'end'],
        ['fb', 'end'],
      ],
    ),
    doc(
      'router-llm-loop',
      { input: str, output: str, count: { type: 'number', reducer: 'sum', default: 0 } },
      [
        start(['input']),
        node('work', 'transform', { assignments: [{ channel: 'count', mode: 'expression', value: '1' }] }, 'Work'),
        node(
          'check',
          'router',
          {
            mode: 'llm',
            model: 'scripted:judge',
            routes: [
              { id: 'again', description: 'do more' },
              { id: 'done', description: 'stop' },
            ],
            threshold: 0.5,
          },
          'Check',
        ),
        node('finish', 'transform', { assignments: [{ channel: 'output', value: 'count={{ state.count }}' }] }),
        end(['output', 'count']),
      ],
      [
        ['start', 'work'],
        ['work', 'check'],
        ['check', 'work', 'again'],
        ['check', 'finish', 'done'],
        ['check', 'finish', 'fallback'],
        ['finish', 'end'],
      ],
      {
        nodes: {
          check: [
            { structured: { route: 'again', confidence: 0.9 } },
            { structured: { route: 'done', confidence: 0.9 } },
          ],
        },
      },
    ),
    doc(
      'parallel-branches',
      { input: str, parts: appendList, summary: str },
      [
        start(['input']),
        node('fan', 'parallel', { mode: 'branches' }, 'Fan out'),
        node('a', 'transform', { assignments: [{ channel: 'parts', mode: 'expression', value: '["a"]' }] }),
        node('b', 'llm', { model: 'scripted:b', output: 'parts' }),
        node(
          'join',
          'transform',
          { assignments: [{ channel: 'summary', value: '{{ $join(state.parts, "+") }}' }] },
          'Join',
        ),
        end(['summary', 'parts']),
      ],
      [
        ['start', 'fan'],
        ['fan', 'a'],
        ['fan', 'b'],
        ['a', 'join'],
        ['b', 'join'],
        ['join', 'end'],
      ],
    ),
    doc(
      'parallel-map',
      {
        items: { type: 'list', reducer: 'replace' },
        item: str,
        results: appendList,
        total: { type: 'number', reducer: 'replace' },
      },
      [
        start(['items']),
        node('map', 'parallel', { mode: 'map', over: 'state.items', itemChannel: 'item', maxItems: 10 }, 'Each'),
        node('work', 'transform', {
          assignments: [{ channel: 'results', mode: 'expression', value: '[$string(state.item)]' }],
        }),
        node('reduce', 'transform', {
          assignments: [{ channel: 'total', mode: 'expression', value: '$count(state.results)' }],
        }),
        end(['results', 'total']),
      ],
      [
        ['start', 'map'],
        ['map', 'work', 'each'],
        ['work', 'reduce'],
        ['reduce', 'end'],
      ],
    ),
    doc(
      'human-approval',
      { draft: str, status: str, verdict: { type: 'json', reducer: 'replace' } },
      [
        start(['draft']),
        node(
          'review',
          'human',
          { kind: 'approval', message: 'Publish {{ state.draft }}?', channel: 'draft', decision: 'verdict' },
          'Review',
        ),
        node('publish', 'transform', { assignments: [{ channel: 'status', value: 'published {{ state.draft }}' }] }),
        node('discard', 'transform', { assignments: [{ channel: 'status', value: 'discarded' }] }),
        end(['status']),
      ],
      [
        ['start', 'review'],
        ['review', 'publish', 'approved'],
        ['review', 'discard', 'rejected'],
        ['publish', 'end'],
        ['discard', 'end'],
      ],
    ),
    doc(
      'human-choice-input',
      { input: str, choice: { type: 'json', reducer: 'replace' }, note: str },
      [
        start(['input']),
        node('pick', 'human', {
          kind: 'choice',
          message: 'Which?',
          options: [
            { id: 'red', label: 'Red' },
            { id: 'blue', label: 'Blue' },
          ],
          decision: 'choice',
        }),
        node('ask', 'human', { kind: 'input', message: 'Why?', channel: 'note' }),
        end(['choice', 'note']),
      ],
      [
        ['start', 'pick'],
        ['pick', 'ask', 'red'],
        ['pick', 'end', 'blue'],
        ['ask', 'end'],
      ],
    ),
    doc(
      'agent-reflection',
      {
        input: str,
        answer: str,
        essay: str,
        rounds: appendList,
        transcript: { type: 'messages', reducer: 'messages' },
      },
      [
        start(['input']),
        node('agent', 'agent', {
          model: 'scripted:agent',
          tools: [
            { kind: 'calculator' },
            {
              kind: 'code',
              name: 'shout',
              description: 'Upper-case',
              code: 'return String(input.text).toUpperCase();',
              argsSchema: { type: 'object', properties: { text: { type: 'string' } } },
            },
          ],
          maxIterations: 3,
          onMaxIterations: 'return',
          output: 'answer',
          appendTo: 'transcript',
        }),
        node('reflect', 'reflection', {
          model: 'scripted:writer',
          task: 'Improve: {{ state.answer }}',
          maxRounds: 2,
          output: 'essay',
          rounds: 'rounds',
        }),
        end(['answer', 'essay', 'rounds']),
      ],
      [
        ['start', 'agent'],
        ['agent', 'reflect'],
        ['reflect', 'end'],
      ],
      {
        nodes: {
          agent: [{ toolCalls: [{ name: 'calculator', args: { expression: '6 * 7' } }] }, { content: '42' }],
          reflect: [{ content: 'draft' }, { structured: { accepted: true, feedback: 'ok' } }],
        },
      },
    ),
    doc(
      'tools-and-errors',
      {
        input: str,
        sum: { type: 'json', reducer: 'replace' },
        codeOut: { type: 'json', reducer: 'replace' },
        webOut: { type: 'json', reducer: 'replace' },
        out: str,
      },
      [
        start(['input']),
        node('calc', 'tool', { tool: 'calculator', expression: '2 * 21', output: 'sum' }),
        node('code', 'tool', {
          tool: 'code',
          code: 'return { n: input.sum };',
          input: 'state',
          codeTimeoutMs: 500,
          memoryMb: 16,
          output: 'codeOut',
        }),
        node('web', 'tool', {
          tool: 'http',
          method: 'GET',
          url: 'http://127.0.0.1:9/{{ state.input }}',
          output: 'webOut',
          retry: { maxAttempts: 2, initialIntervalMs: 1, jitter: false },
        }),
        node('flaky', 'llm', { model: 'scripted:flaky', output: 'out', timeoutMs: 1000 }),
        node('recover', 'transform', {
          assignments: [{ channel: 'out', value: 'recovered from {{ state.__error.code }}' }],
        }),
        end(['sum', 'codeOut', 'out']),
      ],
      [
        ['start', 'calc'],
        ['calc', 'code'],
        ['code', 'web'],
        ['web', 'flaky'],
        ['web', 'end', 'error'],
        ['flaky', 'end'],
        ['flaky', 'recover', 'error'],
        ['recover', 'end'],
      ],
      { nodes: { flaky: [{ error: { message: 'overloaded', status: 503 } }] } },
    ),
  ];
  return seeds.map((d) => ({ name: `synthetic/${String(d['id'])}`, doc: d }));
}
