import { describe, expect, it } from 'vitest';
import { runDoc } from '@flowcraft/engine/testing';
import type { TestRun } from '@flowcraft/engine/testing';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { NodeTypeDescription, resolvePorts, validateWorkflow } from '@flowcraft/schema';
import type { ModelScript, WorkflowDocumentInput } from '@flowcraft/schema';
import { labelFor, lexiconScore, sentimentNode } from './index.js';

/** Built-ins plus the custom type, as the engine registers it. */
const registry = () => createBuiltinRegistry().register(sentimentNode, { custom: true });

type Node = NonNullable<WorkflowDocumentInput['nodes']>[number];

/** A transform writing a canned reply. */
const reply = (text: string): Node['config'] => ({ assignments: [{ channel: 'reply', value: text }] });

/** start(message) → classify → positive: thank / negative: escalate / neutral: acknowledge → end. */
function supportTriage(
  classify: { typeVersion?: number; config: Record<string, unknown> },
  script?: ModelScript,
  branches = ['positive', 'negative', 'neutral'],
): WorkflowDocumentInput {
  const targets: Record<string, Node> = {
    positive: { id: 'thank', type: 'transform', config: reply('Thanks for the kind words!') },
    negative: { id: 'escalate', type: 'transform', config: reply('Sorry! A human will get back to you today.') },
    neutral: { id: 'acknowledge', type: 'transform', config: reply('Thanks, we received your message.') },
  };
  return {
    id: 'support-triage',
    name: 'Support triage by sentiment',
    state: {
      message: { type: 'string', reducer: 'replace' },
      sentiment: { type: 'json', reducer: 'replace' },
      reply: { type: 'string', reducer: 'replace' },
    },
    nodes: [
      { id: 'start', type: 'start', config: { inputs: [{ channel: 'message', required: true }] } },
      // A missing typeVersion means 1, which would run the v1 → v2 migration on this config.
      { id: 'classify', type: 'acme/sentiment', typeVersion: classify.typeVersion ?? 2, config: classify.config },
      ...branches.flatMap((b) => (targets[b] ? [targets[b]] : [])),
      { id: 'end', type: 'end', config: { outputs: ['sentiment', 'reply'] } },
    ],
    edges: [
      { id: 'in', source: 'start', target: 'classify' },
      ...branches.flatMap((b) => {
        const t = targets[b];
        return t
          ? [
              { id: `to-${b}`, source: 'classify', sourceHandle: b, target: t.id },
              { id: `${b}-end`, source: t.id, target: 'end' },
            ]
          : [];
      }),
    ],
    ...(script ? { script } : {}),
  };
}

function output(run: TestRun): Record<string, unknown> {
  if (run.outcome.status !== 'completed')
    throw new Error(`expected a completed run, got ${JSON.stringify(run.outcome)}`);
  return run.outcome.output;
}

const lexicon = { config: { mode: 'lexicon', input: 'message', output: 'sentiment' } };

describe('acme/sentiment: lexicon mode', () => {
  it('validates next to the built-ins and takes the negative branch for a complaint', async () => {
    const d = supportTriage(lexicon);
    expect(validateWorkflow(d, registry())).toMatchObject({ ok: true });
    const run = await runDoc(
      d,
      { message: 'The app crashes every time and support is useless. I want a refund.' },
      { registry: registry() },
    );
    expect(run.path).toEqual(['start', 'classify', 'escalate', 'end']);
    expect(output(run)).toEqual({
      sentiment: { label: 'negative', score: -1 },
      reply: 'Sorry! A human will get back to you today.',
    });
    expect(run.calls).toEqual([]);
  });

  it('takes the positive and neutral branches', async () => {
    const happy = await runDoc(
      supportTriage(lexicon),
      { message: 'Great update, the export works perfectly now. Thanks!' },
      { registry: registry() },
    );
    expect(happy.path).toEqual(['start', 'classify', 'thank', 'end']);
    expect(output(happy).sentiment).toEqual({ label: 'positive', score: 1 });
    // One positive and one negative word cancel out.
    const mixed = await runDoc(
      supportTriage(lexicon),
      { message: 'Nice design, but the sync is slow.' },
      { registry: registry() },
    );
    expect(mixed.path).toEqual(['start', 'classify', 'acknowledge', 'end']);
    expect(output(mixed).sentiment).toEqual({ label: 'neutral', score: 0 });
  });

  it('scores negation, extra words and empty text', () => {
    expect(lexiconScore('This is not good').score).toBe(-1);
    expect(lexiconScore("It doesn't crash anymore, great").score).toBe(1);
    expect(lexiconScore('the invoice is wrong').score).toBe(0);
    expect(lexiconScore('the invoice is wrong', { negativeWords: ['Wrong'] }).score).toBe(-1);
    expect(lexiconScore('good good bad')).toEqual({ score: 0.33, positive: 2, negative: 1 });
    expect(labelFor(0.1, { neutral: true, neutralBand: 0.2 })).toBe('neutral');
    expect(labelFor(0, { neutral: false, neutralBand: 0.2 })).toBe('positive');
  });

  it('reports config problems at their path', () => {
    const entry = registry().get('acme/sentiment');
    expect(entry?.checkConfig({ mode: 'lexicon', colour: 'red' }, 2)).toMatchObject({
      ok: false,
      issues: [{ message: expect.stringContaining('colour') }],
    });
    expect(entry?.checkConfig({ positiveWords: ['two words', 'ok'], negativeWords: ['OK'] }, 2)).toMatchObject({
      ok: false,
      issues: [
        { path: ['positiveWords', 0], message: expect.stringContaining('single word') },
        { path: ['negativeWords', 0], message: expect.stringContaining('also a positive word') },
      ],
    });
    expect(entry?.checkConfig({ mode: 'model', instructions: 'Hi {{ state.( }}' }, 2)).toMatchObject({
      ok: false,
      issues: [{ path: ['instructions'] }],
    });
  });

  it('refuses a document that leaves a branch unconnected', () => {
    const res = validateWorkflow(supportTriage(lexicon, undefined, ['positive', 'negative']), registry());
    expect(res.ok).toBe(false);
    expect(JSON.stringify(res.problems)).toContain('neutral');
  });
});

describe('acme/sentiment: model mode', () => {
  const model = { config: { mode: 'model', model: 'scripted:sentiment', input: 'message', output: 'sentiment' } };

  it('asks the chat model for structured output and routes by its label', async () => {
    const script: ModelScript = { nodes: { classify: [{ structured: { label: 'positive', score: 0.84 } }] } };
    const run = await runDoc(
      supportTriage(model, script),
      { message: 'Your team sorted it out in minutes, much appreciated.' },
      { registry: registry() },
    );
    expect(run.path).toEqual(['start', 'classify', 'thank', 'end']);
    expect(output(run)).toEqual({ sentiment: { label: 'positive', score: 0.84 }, reply: 'Thanks for the kind words!' });
    expect(run.calls).toMatchObject([{ nodeId: 'classify', model: 'scripted:sentiment', messages: 2, source: 'node' }]);
  });

  it('derives the label from the score when the model names a label the node does not have, and clamps the score', async () => {
    const script: ModelScript = { nodes: { classify: [{ structured: { label: 'neutral', score: -3 } }] } };
    const binary = { config: { ...model.config, neutral: false } };
    const run = await runDoc(
      supportTriage(binary, script, ['positive', 'negative']),
      { message: 'meh' },
      { registry: registry() },
    );
    expect(run.path).toEqual(['start', 'classify', 'escalate', 'end']);
    expect(output(run).sentiment).toEqual({ label: 'negative', score: -1 });
  });

  it('fails the node with model_error on an unusable reply, and skips the call for empty text', async () => {
    const script: ModelScript = { nodes: { classify: [{ structured: { label: 'positive' } }] } };
    const bad = await runDoc(supportTriage(model, script), { message: 'hello' }, { registry: registry() });
    expect(bad.outcome).toMatchObject({ status: 'failed', error: { code: 'model_error', nodeId: 'classify' } });
    const empty = await runDoc(supportTriage(model, script), { message: '   ' }, { registry: registry() });
    expect(empty.path).toEqual(['start', 'classify', 'acknowledge', 'end']);
    expect(empty.calls).toEqual([]);
  });
});

describe('acme/sentiment: version 2 migration', () => {
  const v1 = { source: 'message', target: 'sentiment', useModel: true, model: 'scripted:old', timeoutMs: 5000 };

  it('upgrades a v1 config: renamed fields, mode from useModel, no neutral branch', () => {
    expect(registry().get('acme/sentiment')?.checkConfig(v1, 1)).toMatchObject({
      ok: true,
      config: {
        mode: 'model',
        input: 'message',
        output: 'sentiment',
        model: 'scripted:old',
        neutral: false,
        timeoutMs: 5000,
        neutralBand: 0.2,
      },
    });
    expect(registry().get('acme/sentiment')?.checkConfig({ source: 'message' }, 1)).toMatchObject({
      ok: true,
      config: { mode: 'lexicon', input: 'message', output: 'sentiment', neutral: false },
    });
  });

  it('loads and runs a v1 document whose edges cover only positive and negative', async () => {
    const d = supportTriage(
      { typeVersion: 1, config: v1 },
      { nodes: { classify: [{ structured: { label: 'negative', score: -0.7 } }] } },
      ['positive', 'negative'],
    );
    const res = validateWorkflow(d, registry());
    expect(res.ok).toBe(true);
    expect(res.document?.nodes[1]).toMatchObject({
      type: 'acme/sentiment',
      typeVersion: 2,
      config: { mode: 'model', neutral: false },
    });
    const run = await runDoc(d, { message: 'Still broken.' }, { registry: registry() });
    expect(run.path).toEqual(['start', 'classify', 'escalate', 'end']);
    expect(output(run).sentiment).toEqual({ label: 'negative', score: -0.7 });
  });
});

describe('acme/sentiment: JSON description', () => {
  it('is plain JSON the editor can use: schema, defaults, hints, ports computed from config', () => {
    const description = registry().describe('acme/sentiment');
    const json: unknown = JSON.parse(JSON.stringify(description));
    expect(json).toEqual(description);
    const parsed = NodeTypeDescription.parse(json);
    expect(parsed).toMatchObject({
      type: 'acme/sentiment',
      version: 2,
      title: 'Sentiment',
      category: 'ai',
      control: 'choice',
      custom: true,
    });
    expect(parsed.defaults).toMatchObject({
      mode: 'lexicon',
      input: 'input',
      output: 'sentiment',
      neutral: true,
      neutralBand: 0.2,
    });
    expect(parsed.configSchema).toMatchObject({
      type: 'object',
      properties: { mode: { enum: ['lexicon', 'model'] }, neutralBand: { minimum: 0, maximum: 1 } },
    });
    expect(parsed.ui).toMatchObject({
      mode: { widget: 'select' },
      input: { widget: 'channel' },
      instructions: { widget: 'template' },
    });
    expect(resolvePorts(parsed.ports, parsed.defaults).outputs.map((p) => p.id)).toEqual([
      'positive',
      'negative',
      'neutral',
      'error',
    ]);
    expect(resolvePorts(parsed.ports, { ...parsed.defaults, neutral: false }).outputs.map((p) => p.id)).toEqual([
      'positive',
      'negative',
      'error',
    ]);
    expect(
      registry()
        .describeAll()
        .filter((d) => d.custom)
        .map((d) => d.type),
    ).toEqual(['acme/sentiment']);
  });
});
