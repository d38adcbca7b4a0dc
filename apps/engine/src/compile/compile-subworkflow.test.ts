import { describe, expect, it } from 'vitest';
import { MemorySaver } from '@langchain/langgraph';
import { InvalidDocumentError } from '@flowcraft/schema';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { childLibrary, runDoc } from '../testing/harness.js';
import { callingParent, reviewChild } from '../testing/subworkflow-fixtures.js';
import { compile } from './compile.js';
import { createRunServices } from '../execution/services.js';
import type { ChildLibrary } from './subworkflows.js';

function problemsOf(doc: unknown, children: ChildLibrary, workflowId = 'parent-flow') {
  try {
    compile(doc, createBuiltinRegistry(), createRunServices({ env: {} }), { children, workflowId });
  } catch (err) {
    if (err instanceof InvalidDocumentError) return err.problems;
    throw err;
  }
  return [];
}

describe('compile: subworkflow', () => {
  it('runs the child as a nested graph, maps inputs and outputs, and names child nodes by their path', async () => {
    const parent = callingParent();
    const run = await runDoc(parent, { topic: 'tea' }, { children: childLibrary([reviewChild()]) });
    expect(run.outcome.status).toBe('interrupted');
    if (run.outcome.status !== 'interrupted') return;
    // The pause is the child's human node, named by its path; the parent node waits on it.
    expect(run.outcome.interrupts).toHaveLength(1);
    expect(run.outcome.interrupts[0]).toMatchObject({
      nodeId: 'review › approve',
      value: { nodeId: 'review › approve', message: 'Approve? child draft' },
    });
    // The child's start and end nodes are its interface (the calling node): no steps of their own.
    expect(run.path).toEqual(['start', 'plan', 'review › write']);
    // The child's model call asks with its qualified id and gets the child's scripted reply.
    expect(run.calls.map((c) => c.nodeId)).toEqual(['plan', 'review › write']);
    const usage = run.events.flatMap((e) => (e.type === 'node.progress' && e.kind === 'model_call' ? [e.nodeId] : []));
    expect(usage).toEqual(['plan', 'review › write']);

    const done = await run.resume({ action: 'approve' });
    expect(done.outcome).toMatchObject({
      status: 'completed',
      output: { post: 'FINAL: child draft!', verdict: { action: 'approve' } },
    });
    // Resumed exactly where it stopped: no model call again, no node before the human one re-run.
    expect(done.calls.map((c) => c.nodeId)).toEqual(['plan', 'review › write']);
    const finished = done.path.slice(3);
    expect(finished).toEqual(['review › approve', 'review › finalize', 'review', 'publish', 'end']);
  });

  it('with checkpoints on-exit, the child still resumes exactly where it paused', async () => {
    const parent = callingParent();
    const call = parent.nodes.find((node) => node.id === 'review');
    if (call) call.config = { ...call.config, checkpoints: 'on-exit' };
    const run = await runDoc(parent, { topic: 'tea' }, { children: childLibrary([reviewChild()]) });
    expect(run.outcome.status).toBe('interrupted');
    const done = await run.resume({ action: 'approve' });
    expect(done.outcome).toMatchObject({ status: 'completed', output: { post: 'FINAL: child draft!' } });
    expect(done.calls.map((c) => c.nodeId)).toEqual(['plan', 'review › write']);
    expect(done.path.slice(3)).toEqual(['review › approve', 'review › finalize', 'review', 'publish', 'end']);
  });

  it('checks the child start node’s required inputs on entry, naming it; a rejection ends the child', async () => {
    const parent = callingParent();
    const call = parent.nodes.find((node) => node.id === 'review');
    if (call) call.config = { ...call.config, inputs: [] };
    const failed = await runDoc(parent, { topic: 'tea' }, { children: childLibrary([reviewChild()]) });
    expect(failed.outcome).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_input', nodeId: 'review › start', message: expect.stringContaining('brief') },
    });
    expect(failed.calls.map((c) => c.nodeId)).toEqual(['plan']);
    // The human node's `rejected` port led to the child's end node: it now ends the child's graph.
    const run = await runDoc(callingParent(), { topic: 'tea' }, { children: childLibrary([reviewChild()]) });
    const done = await run.resume({ action: 'reject' });
    expect(done.outcome).toMatchObject({ status: 'completed', output: { verdict: { action: 'reject' } } });
    expect(done.path.slice(3)).toEqual(['review › approve', 'review', 'publish', 'end']);
    const last = done.events.findLast((e) => e.type === 'node.finished' && e.nodeId === 'review › approve');
    expect(last && last.type === 'node.finished' ? last.next : undefined).toEqual([]);
  });

  it('nests the child checkpoints under the calling node’s namespace', async () => {
    const saver = new MemorySaver();
    const services = createRunServices({ env: {} });
    const children = childLibrary([reviewChild()]);
    const parent = callingParent();
    const compiled = compile(parent, createBuiltinRegistry(), services, { checkpointer: saver, children });
    await compiled.graph.invoke({ topic: 'x' }, { configurable: { thread_id: 't' } });
    const namespaces = new Set<string>();
    for await (const t of saver.list({ configurable: { thread_id: 't' } }))
      namespaces.add(String(t.config.configurable?.checkpoint_ns ?? ''));
    expect([...namespaces].sort()).toEqual(['', expect.stringMatching(/^review:[0-9a-f-]+$/)]);
    const state = await compiled.graph.getState({ configurable: { thread_id: 't' } }, { subgraphs: true });
    expect(state.next).toEqual(['review']);
    const task = state.tasks[0];
    expect(task?.interrupts).toHaveLength(1);
    const childState = task?.state;
    expect(childState && 'next' in childState ? childState.next : undefined).toEqual(['approve']);
  });

  it('follows a pinned version and reports which child versions it compiled', () => {
    const v1 = reviewChild();
    const children = new Map([['review-flow@2', { workflowId: 'review-flow', version: 2, document: v1 }]]);
    const compiled = compile(callingParent('review-flow', 2), createBuiltinRegistry(), createRunServices({ env: {} }), {
      children,
    });
    expect(compiled.subworkflows).toEqual([{ nodeId: 'review', workflowId: 'review-flow', version: 2 }]);
    expect(compiled.nodeMap.get('review › approve')).toBe('review › approve');
    // Not steps of the child's graph: no breakpoint can name them.
    expect(compiled.nodeMap.has('review › start')).toBe(false);
    expect(compiled.nodeMap.has('review › end')).toBe(false);
  });

  it('refuses a missing child, naming the calling node', () => {
    const problems = problemsOf(callingParent('nope'), new Map());
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'subworkflow_missing',
        nodeId: 'review',
        path: ['nodes', 2, 'config', 'workflowId'],
        message: expect.stringContaining('"nope"'),
      }),
    ]);
  });

  it('refuses workflows calling each other (A → B → A)', () => {
    const a = { ...callingParent('wf-b'), id: 'wf-a' };
    const b = { ...callingParent('wf-a'), id: 'wf-b' };
    const problems = problemsOf(a, childLibrary([a, b]), 'wf-a');
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'subworkflow_cycle',
        nodeId: 'review',
        message: expect.stringContaining('wf-a → wf-b → wf-a'),
      }),
    ]);
    // A workflow calling itself.
    const self = { ...callingParent('wf-self'), id: 'wf-self' };
    expect(problemsOf(self, childLibrary([self]), 'wf-self')).toEqual([
      expect.objectContaining({ code: 'subworkflow_cycle', nodeId: 'review' }),
    ]);
  });

  it('refuses an invalid child, naming the calling node and the child’s problem', () => {
    const broken = reviewChild();
    broken.edges = (broken.edges ?? []).filter((e) => e.target !== 'finalize');
    const problems = problemsOf(callingParent(), childLibrary([broken]));
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'subworkflow_invalid',
        nodeId: 'review',
        message: expect.stringContaining('review-flow'),
      }),
    ]);
  });
});
