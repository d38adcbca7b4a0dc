import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Assertion, type AssertionInput, type TraceEventBody } from '@flowcraft/schema';
import { createScriptedModels } from '../models/scripted-models.js';
import { EvaluatorRegistry, defineEvaluator } from './define-evaluator.js';
import { evaluateAssertion, evaluateCase } from './evaluate-case.js';
import type { EvaluationSubject } from './subject.js';

const events: TraceEventBody[] = [
  { type: 'node.started', nodeId: 'start', step: 1, attempt: 1 },
  { type: 'node.finished', nodeId: 'start', step: 1, update: {}, durationMs: 1 },
  { type: 'node.started', nodeId: 'classify', step: 2, attempt: 1 },
  { type: 'node.progress', nodeId: 'classify', step: 2, kind: 'model_call', data: { model: 'scripted:x' } },
  { type: 'node.finished', nodeId: 'classify', step: 2, update: {}, next: ['write'], durationMs: 5 },
  { type: 'node.started', nodeId: 'write', step: 3, attempt: 1 },
  { type: 'node.progress', nodeId: 'write', step: 3, kind: 'model_call', data: { model: 'scripted:y' } },
  { type: 'node.finished', nodeId: 'write', step: 3, update: {}, durationMs: 5 },
];

const subject: EvaluationSubject = {
  status: 'completed',
  output: {
    answer: 'Dark mode is here. Open Settings.',
    intent: { route: 'content', confidence: 0.92 },
    tags: ['a', 'b'],
  },
  state: { request: 'blog post please', answer: 'Dark mode is here. Open Settings.', count: 3 },
  events,
  durationMs: 120,
  tokens: { input: 100, output: 50, costUsd: 0.002 },
  edges: [
    { source: 'classify', sourceHandle: 'content', target: 'write' },
    { source: 'classify', sourceHandle: 'code', target: 'code' },
  ],
};

async function verdict(input: AssertionInput, s: EvaluationSubject = subject, ctx = {}) {
  return evaluateAssertion(Assertion.parse(input), s, ctx);
}

/** Each case: an assertion that must pass on `subject`, and a variant that must fail. */
const cases: { name: string; pass: AssertionInput; fail: AssertionInput; failReason: RegExp }[] = [
  {
    name: 'equals',
    pass: { type: 'equals', path: 'intent', value: { route: 'content', confidence: 0.92 } },
    fail: { type: 'equals', path: 'intent.route', value: 'code' },
    failReason: /expected "code", got "content"/,
  },
  {
    name: 'equals on state',
    pass: { type: 'equals', target: 'state', path: 'count', value: 3 },
    fail: { type: 'equals', target: 'state', path: 'count', value: 4 },
    failReason: /state.count: expected 4, got 3/,
  },
  {
    name: 'contains (text)',
    pass: { type: 'contains', path: 'answer', value: 'settings', ignoreCase: true },
    fail: { type: 'contains', path: 'answer', value: 'settings' },
    failReason: /does not contain "settings"/,
  },
  {
    name: 'contains (list)',
    pass: { type: 'contains', path: 'tags', value: 'b' },
    fail: { type: 'contains', path: 'tags', value: 'c' },
    failReason: /no element equal to "c"/,
  },
  {
    name: 'regex',
    pass: { type: 'regex', path: 'answer', pattern: '^Dark mode' },
    fail: { type: 'regex', path: 'answer', pattern: '^Light' },
    failReason: /does not match \/\^Light\//,
  },
  {
    name: 'json_schema',
    pass: {
      type: 'json_schema',
      path: 'intent',
      schema: { type: 'object', required: ['route'], properties: { route: { enum: ['content', 'code'] } } },
    },
    fail: { type: 'json_schema', path: 'intent', schema: { type: 'object', required: ['reason'] } },
    failReason: /must have required property 'reason'/,
  },
  {
    name: 'jsonata',
    pass: { type: 'jsonata', expression: 'output.intent.confidence > 0.9 and run.modelCalls = 2' },
    fail: { type: 'jsonata', expression: '$count(run.path) > 5' },
    failReason: /expected true/,
  },
  {
    name: 'node_ran',
    pass: { type: 'node_ran', nodeId: 'write' },
    fail: { type: 'node_ran', nodeId: 'code' },
    failReason: /node code did not run; path was start → classify → write/,
  },
  {
    name: 'node_not_ran',
    pass: { type: 'node_not_ran', nodeId: 'code' },
    fail: { type: 'node_not_ran', nodeId: 'classify' },
    failReason: /ran but should not have/,
  },
  {
    name: 'branch_taken',
    pass: { type: 'branch_taken', nodeId: 'classify', branch: 'content' },
    fail: { type: 'branch_taken', nodeId: 'classify', branch: 'code' },
    failReason: /classify took content, expected code/,
  },
  {
    name: 'limits',
    pass: { type: 'limits', maxCostUsd: 0.01, maxTokens: 150, maxDurationMs: 1000, maxModelCalls: 2 },
    fail: { type: 'limits', maxTokens: 149, maxModelCalls: 1 },
    failReason: /over the limit: tokens 150 > 149, model calls 2 > 1/,
  },
];

describe('built-in evaluators', () => {
  for (const c of cases) {
    it(`${c.name}: passes and fails with a reason`, async () => {
      const ok = await verdict(c.pass);
      expect(ok.pass, ok.reason).toBe(true);
      expect(ok.score).toBe(1);
      expect(ok.reason.length).toBeGreaterThan(0);
      const bad = await verdict(c.fail);
      expect(bad.pass).toBe(false);
      expect(bad.score).toBe(0);
      expect(bad.reason).toMatch(c.failReason);
    });
  }

  it('a missing path fails equals instead of matching undefined', async () => {
    const r = await verdict({ type: 'equals', path: 'nope', value: null });
    expect(r.pass).toBe(false);
  });

  it('regex and JSON Schema patterns run on the linear engine (no catastrophic backtracking)', async () => {
    const long = { ...subject, output: { answer: `${'a'.repeat(50_000)}!` } };
    const t0 = performance.now();
    const r = await verdict({ type: 'regex', path: 'answer', pattern: '^(a+)+$' }, long);
    const s = await verdict({ type: 'json_schema', path: 'answer', schema: { pattern: '^(a+)+$' } }, long);
    expect(r.pass).toBe(false);
    expect(s.pass).toBe(false);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('a JSONata expression over the budget fails the assertion, it does not hang', async () => {
    const r = await verdict({ type: 'jsonata', expression: '$count([1..100000000]) > 0' });
    expect(r.pass).toBe(false);
    expect(r.reason).toMatch(/failed/);
  });
});

describe('LLM-as-judge (scripted offline)', () => {
  const models = createScriptedModels({
    rules: [
      {
        node: '__judge',
        whenContains: 'Settings',
        reply: { structured: { score: 0.9, reason: 'Clear and on topic.' } },
      },
      { node: '__judge', reply: { structured: { score: 0.2, reason: 'Off topic.' } } },
    ],
  });
  const judge = {
    type: 'llm_judge',
    path: 'answer',
    model: 'scripted:judge',
    rubric: 'Announces dark mode and says where to turn it on.',
    threshold: 0.7,
  } as const;

  it('passes with the score above the threshold and keeps the judge reason', async () => {
    const r = await verdict(judge, subject, { models });
    expect(r).toMatchObject({ pass: true, score: 0.9 });
    expect(r.reason).toMatch(/0\.90 \(threshold 0\.7\): Clear and on topic/);
    expect(models.calls.at(-1)?.nodeId).toBe('__judge');
  });

  it('fails below the threshold', async () => {
    const r = await verdict(judge, { ...subject, output: { answer: 'Here is a poem about cats.' } }, { models });
    expect(r).toMatchObject({ pass: false, score: 0.2 });
    expect(r.reason).toMatch(/fails with 0\.20.*Off topic/);
  });

  it('fails without a model factory', async () => {
    expect((await verdict(judge)).pass).toBe(false);
  });
});

describe('defineEvaluator', () => {
  const wordCount = defineEvaluator({
    name: 'acme/max-words',
    description: 'The answer has at most `max` words.',
    config: z.object({ max: z.number().int().min(1) }),
    evaluate: (s, config) => {
      const text = typeof s.output?.answer === 'string' ? s.output.answer : '';
      const n = text.split(/\s+/).filter(Boolean).length;
      return n <= config.max
        ? { pass: true, reason: `${n} words ≤ ${config.max}` }
        : { pass: false, score: config.max / n, reason: `${n} words > ${config.max}` };
    },
  });
  const registry = new EvaluatorRegistry([wordCount]);

  it('runs a registered custom evaluator, pass and fail with its reason and score', async () => {
    const ok = await evaluateAssertion(
      Assertion.parse({ type: 'custom', evaluator: 'acme/max-words', config: { max: 10 } }),
      subject,
      {},
      registry,
    );
    expect(ok).toMatchObject({ pass: true, evaluator: 'acme/max-words', reason: '6 words ≤ 10' });
    const bad = await evaluateAssertion(
      Assertion.parse({ type: 'custom', evaluator: 'acme/max-words', config: { max: 3 } }),
      subject,
      {},
      registry,
    );
    expect(bad).toMatchObject({ pass: false, score: 0.5, reason: '6 words > 3' });
  });

  it('an unknown evaluator or an invalid config fails the assertion', async () => {
    const unknown = await evaluateAssertion(
      Assertion.parse({ type: 'custom', evaluator: 'nope' }),
      subject,
      {},
      registry,
    );
    expect(unknown.reason).toMatch(/no evaluator named "nope"/);
    const invalid = await evaluateAssertion(
      Assertion.parse({ type: 'custom', evaluator: 'acme/max-words', config: { max: 'x' } }),
      subject,
      {},
      registry,
    );
    expect(invalid.reason).toMatch(/invalid config/);
  });

  it('refuses duplicate names and bad names', () => {
    expect(() => registry.register(wordCount)).toThrow(/already registered/);
    expect(() => defineEvaluator({ ...wordCount, name: 'Bad Name' })).toThrow(/kebab-case/);
  });

  it('an evaluator that throws fails with the error as the reason', async () => {
    const boom = defineEvaluator({
      name: 'boom',
      description: '',
      config: z.object({}),
      evaluate: () => {
        throw new Error('kaput');
      },
    });
    const r = await evaluateAssertion(
      Assertion.parse({ type: 'custom', evaluator: 'boom' }),
      subject,
      {},
      new EvaluatorRegistry([boom]),
    );
    expect(r).toMatchObject({ pass: false, reason: 'evaluator failed: kaput' });
  });
});

describe('evaluateCase', () => {
  it('expected output becomes an equals assertion; all passing → pass with the mean score', async () => {
    const v = await evaluateCase(
      { expected: subject.output ?? {}, assertions: [Assertion.parse({ type: 'node_ran', nodeId: 'write' })] },
      subject,
    );
    expect(v).toMatchObject({ pass: true, score: 1, reason: 'all 2 assertion(s) passed' });
    expect(v.results.map((r) => r.label)).toEqual(['expected output', 'write ran']);
  });

  it('one failing assertion fails the case with that reason first', async () => {
    const v = await evaluateCase(
      {
        assertions: [
          Assertion.parse({ type: 'node_ran', nodeId: 'write' }),
          Assertion.parse({ type: 'branch_taken', nodeId: 'classify', branch: 'code' }),
        ],
      },
      subject,
    );
    expect(v.pass).toBe(false);
    expect(v.score).toBe(0.5);
    expect(v.reason).toBe('classify → code: classify took content, expected code');
  });

  it('a failed run fails the case even when its assertions hold', async () => {
    const v = await evaluateCase(
      { assertions: [Assertion.parse({ type: 'node_ran', nodeId: 'write' })] },
      { ...subject, status: 'failed', error: { code: 'model_error', message: 'boom' } },
    );
    expect(v).toMatchObject({ pass: false, score: 0, reason: 'run failed [model_error]: boom' });
  });
});

describe('value checks on values as runs produce them', () => {
  it('equals ignores prototypes (null-prototype objects from a run equal plain JSON)', async () => {
    const decision = Object.assign(Object.create(null), { action: 'approve' });
    const r = await verdict(
      { type: 'equals', path: 'decision', value: { action: 'approve' } },
      { ...subject, output: { decision } },
    );
    expect(r.pass, r.reason).toBe(true);
  });

  it('regex takes RE2 inline flags and the flags field', async () => {
    expect((await verdict({ type: 'regex', path: 'answer', pattern: '(?i)^dark MODE' })).pass).toBe(true);
    expect((await verdict({ type: 'regex', path: 'answer', pattern: '^dark MODE', flags: 'i' })).pass).toBe(true);
    expect((await verdict({ type: 'regex', path: 'answer', pattern: '^dark MODE' })).pass).toBe(false);
  });
});
