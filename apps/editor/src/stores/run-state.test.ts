import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '@flowcraft/schema';
import { markResumed, newRunState, reduceRun } from '../model/run-state.js';
import { successorsIn } from '../model/successors.js';
import { createRunStore } from './run-store.js';
import { WorkflowDocument } from '@flowcraft/schema';

const R = 'run-1';
const ts = '2025-01-01T00:00:00.000Z';
let seq = 0;
type Body = TraceEvent extends infer E ? (E extends TraceEvent ? Omit<E, 'runId' | 'seq' | 'ts'> : never) : never;
const ev = (body: Body, at?: number): TraceEvent => ({ ...body, runId: R, seq: at ?? ++seq, ts }) as TraceEvent;

const doc = WorkflowDocument.parse({
  id: 'w',
  name: 'w',
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'route', type: 'router' },
    { id: 'a', type: 'llm' },
    { id: 'b', type: 'llm' },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'route' },
    { id: 'e2', source: 'route', sourceHandle: 'yes', target: 'a' },
    { id: 'e3', source: 'route', sourceHandle: 'fallback', target: 'b' },
    { id: 'e4', source: 'a', target: 'end' },
    { id: 'e5', source: 'b', target: 'end' },
    { id: 'e6', source: 'a', sourceHandle: 'error', target: 'b' },
  ],
});
const succ = (id: string, next: readonly string[] | undefined) => successorsIn(doc, id, next);

function script(): TraceEvent[] {
  seq = 0;
  return [
    ev({ type: 'run.started', threadId: 't', workflowId: 'w', input: {} }),
    ev({ type: 'node.started', nodeId: 'start', step: 1, attempt: 1 }),
    ev({ type: 'node.finished', nodeId: 'start', step: 1, update: {}, durationMs: 1 }),
    ev({ type: 'node.started', nodeId: 'route', step: 2, attempt: 1 }),
    ev({
      type: 'node.finished',
      nodeId: 'route',
      step: 2,
      update: { d: 1 },
      next: ['a'],
      durationMs: 5,
      tokens: { input: 10, output: 2 },
    }),
    ev({ type: 'node.started', nodeId: 'a', step: 3, attempt: 1 }),
    ev({ type: 'model.token', nodeId: 'a', text: 'Hel' }),
    ev({ type: 'model.token', nodeId: 'a', text: 'lo' }),
    ev({
      type: 'node.failed',
      nodeId: 'a',
      step: 3,
      attempt: 1,
      willRetry: true,
      error: { code: 'model_error', message: 'flaky' },
    }),
    ev({ type: 'node.started', nodeId: 'a', step: 3, attempt: 2 }),
    ev({
      type: 'node.finished',
      nodeId: 'a',
      step: 3,
      update: { answer: 'Hello' },
      durationMs: 20,
      tokens: { input: 5, output: 3 },
    }),
    ev({ type: 'node.started', nodeId: 'end', step: 4, attempt: 1 }),
    ev({ type: 'node.finished', nodeId: 'end', step: 4, update: {}, durationMs: 1 }),
    ev({ type: 'run.completed', output: { answer: 'Hello' }, durationMs: 40, tokens: { input: 15, output: 5 } }),
  ];
}

describe('run state from trace events', () => {
  it('tracks each node: queued after its predecessor, running, retrying, done with duration and tokens', () => {
    const events = script();
    let s = newRunState(R);
    s = events.slice(0, 5).reduce((st, e) => reduceRun(st, e, succ), s);
    expect(s.nodes.a?.status).toBe('queued');
    expect(s.nodes.b).toBeUndefined(); // the router did not choose it
    s = events.slice(5, 9).reduce((st, e) => reduceRun(st, e, succ), s);
    expect(s.nodes.a).toMatchObject({ status: 'retrying', text: 'Hello', attempts: 1, error: { code: 'model_error' } });
    s = events.slice(9).reduce((st, e) => reduceRun(st, e, succ), s);
    expect(s.status).toBe('completed');
    expect(s.output).toEqual({ answer: 'Hello' });
    expect(s.nodes.a).toMatchObject({
      status: 'done',
      attempts: 2,
      durationMs: 20,
      tokens: { input: 5, output: 3 },
      update: { answer: 'Hello' },
      error: undefined,
    });
    expect(s.nodes.route).toMatchObject({ status: 'done', next: ['a'] });
    expect(Object.keys(s.nodes).sort()).toEqual(['a', 'end', 'route', 'start']);
    expect(s.tokens).toEqual({ input: 15, output: 5 });
    expect(s.lastSeq).toBe(14);
  });

  it('ignores replayed events (seq at or below the last applied) so a reconnect never double-counts', () => {
    const events = script();
    const once = events.reduce((st, e) => reduceRun(st, e, succ), newRunState(R));
    // Reconnect after event 8 with afterSeq 6: the server resends 7..14; a buggy client might also resend 1..8.
    let s = events.slice(0, 8).reduce((st, e) => reduceRun(st, e, succ), newRunState(R));
    s = [...events.slice(0, 8), ...events.slice(6)].reduce((st, e) => reduceRun(st, e, succ), s);
    expect(s).toEqual(once);
    expect(s.nodes.a?.text).toBe('Hello');
    expect(reduceRun(once, events[3] ?? events[0]!, succ)).toBe(once);
  });

  it('ignores events of another run', () => {
    const s = newRunState(R);
    const other = { ...script()[0]!, runId: 'other' };
    expect(reduceRun(s, other)).toBe(s);
  });

  it('shows a failure on the failing node and stops pending ones', () => {
    seq = 0;
    const events = [
      ev({ type: 'run.started', threadId: 't', workflowId: 'w', input: {} }),
      ev({ type: 'node.started', nodeId: 'start', step: 1, attempt: 1 }),
      ev({ type: 'node.finished', nodeId: 'start', step: 1, update: {}, durationMs: 1 }),
      ev({ type: 'node.started', nodeId: 'route', step: 2, attempt: 1 }),
      ev({
        type: 'node.failed',
        nodeId: 'route',
        step: 2,
        attempt: 1,
        willRetry: false,
        error: { code: 'model_error', message: 'down', nodeId: 'route' },
      }),
      ev({ type: 'run.failed', error: { code: 'node_failed', message: 'route failed', nodeId: 'route' } }),
    ];
    const s = events.reduce((st, e) => reduceRun(st, e, succ), newRunState(R));
    expect(s.status).toBe('failed');
    expect(s.error).toMatchObject({ nodeId: 'route' });
    expect(s.nodes.route).toMatchObject({ status: 'failed', error: { message: 'down' } });
  });

  it('marks interrupted nodes and lists the pending interrupts; resuming clears them', () => {
    seq = 0;
    const events = [
      ev({ type: 'run.started', threadId: 't', workflowId: 'w', input: {} }),
      ev({ type: 'node.started', nodeId: 'a', step: 1, attempt: 1 }),
      ev({
        type: 'run.interrupted',
        interrupts: [{ id: 'i1', nodeId: 'a', value: { kind: 'approval', message: 'ok?' } }],
      }),
    ];
    const s = events.reduce((st, e) => reduceRun(st, e), newRunState(R));
    expect(s.status).toBe('interrupted');
    expect(s.nodes.a?.status).toBe('interrupted');
    expect(s.interrupts).toEqual([{ id: 'i1', nodeId: 'a', value: { kind: 'approval', message: 'ok?' } }]);
    const resumed = markResumed(s);
    expect(resumed.interrupts).toEqual([]);
    expect(resumed.nodes.a?.status).toBe('running');
  });

  it('marks the calling node when a node inside a sub-workflow pauses', () => {
    seq = 0;
    const events = [
      ev({ type: 'run.started', threadId: 't', workflowId: 'w', input: {} }),
      ev({ type: 'node.started', nodeId: 'call', step: 1, attempt: 1 }),
      ev({ type: 'run.interrupted', interrupts: [{ id: 'i1', nodeId: 'call › approve', value: {} }] }),
    ];
    const s = events.reduce((st, e) => reduceRun(st, e), newRunState(R));
    expect(s.nodes.call?.status).toBe('interrupted');
    expect(s.nodes['call › approve']?.status).toBe('interrupted');
  });
});

describe('run store', () => {
  it('applies batches in order and resets on a new run', () => {
    const store = createRunStore(succ);
    store.getState().start(R);
    const events = script();
    store.getState().applyAll(events.slice(0, 7));
    store.getState().applyAll(events.slice(3));
    expect(store.getState().run?.status).toBe('completed');
    expect(store.getState().run?.nodes.a?.text).toBe('Hello');
    store.getState().start('run-2');
    expect(store.getState().run).toMatchObject({ runId: 'run-2', status: 'queued', lastSeq: 0, nodes: {} });
  });
});

describe('successors', () => {
  it('follows the chosen ports of a routing node and skips error edges otherwise', () => {
    expect(successorsIn(doc, 'route', ['a'])).toEqual(['a']);
    expect(successorsIn(doc, 'route', ['fallback'])).toEqual(['b']);
    expect(successorsIn(doc, 'a', undefined)).toEqual(['end']);
  });
});

describe('debug runs', () => {
  it('knows where a paused run stands, and forgets it when the run goes on', () => {
    seq = 0;
    const events = [
      ev({ type: 'run.started', threadId: 't', workflowId: 'w', input: {}, breakpoints: { before: ['b'], after: [] } }),
      ev({ type: 'node.started', nodeId: 'start', step: 1, attempt: 1 }),
      ev({ type: 'node.finished', nodeId: 'start', step: 1, update: {}, durationMs: 1 }),
      ev({ type: 'checkpoint.saved', checkpointId: 'k1', parentId: null, step: 1, next: ['b'] }),
      ev({ type: 'run.interrupted', interrupts: [], paused: { next: ['b'], checkpointId: 'k1' } }),
    ];
    const s = events.reduce((st, e) => reduceRun(st, e), newRunState(R));
    expect(s).toMatchObject({
      status: 'interrupted',
      paused: { next: ['b'], checkpointId: 'k1' },
      breakpoints: { before: ['b'], after: [] },
      lastCheckpointId: 'k1',
      interrupts: [],
    });
    expect(s.nodes.b?.status).toBe('queued');
    const stepped = reduceRun(s, ev({ type: 'node.started', nodeId: 'b', step: 2, attempt: 1 }));
    expect(stepped).toMatchObject({ status: 'running', paused: undefined });
    expect(markResumed(s).paused).toBeUndefined();
  });

  it("pauses inside a sub-workflow: the nested checkpoints are not the run's fork point", () => {
    seq = 0;
    const events = [
      ev({ type: 'run.started', threadId: 't', workflowId: 'w', input: {} }),
      ev({ type: 'checkpoint.saved', checkpointId: 'k1', parentId: null, step: 1, next: ['call'] }),
      ev({ type: 'node.started', nodeId: 'call', step: 2, attempt: 1 }),
      ev({
        type: 'checkpoint.saved',
        checkpointId: 'c1',
        parentId: null,
        step: 0,
        next: ['call › review'],
        ns: 'call:1',
        calledBy: 'call',
      }),
      ev({ type: 'run.interrupted', interrupts: [], paused: { next: ['call › review'], checkpointId: 'k1' } }),
    ];
    const s = events.reduce((st, e) => reduceRun(st, e), newRunState(R));
    expect(s).toMatchObject({ status: 'interrupted', lastCheckpointId: 'k1', paused: { next: ['call › review'] } });
  });
});

describe('model calls, fallbacks and cost', () => {
  it('records each call’s model and cost, failed attempts, and sums cost per node and run', () => {
    seq = 0;
    const events = [
      ev({ type: 'run.started', threadId: 't', workflowId: 'w', input: {} }),
      ev({ type: 'node.started', nodeId: 'a', step: 1, attempt: 1 }),
      ev({
        type: 'node.progress',
        nodeId: 'a',
        step: 1,
        kind: 'model_attempt_failed',
        data: {
          model: 'openai:gpt-4o',
          code: 'provider_unavailable',
          action: 'next',
          message: '503 Service Unavailable',
          next: 'anthropic:claude-sonnet-4-5',
          status: 503,
        },
      }),
      ev({
        type: 'node.progress',
        nodeId: 'a',
        step: 1,
        kind: 'model_call',
        data: {
          model: 'anthropic:claude-sonnet-4-5',
          requested: 'tier:smart',
          input: 10,
          output: 5,
          costUsd: 0.000105,
          durationMs: 12,
          failedAttempts: 1,
        },
      }),
      ev({
        type: 'node.progress',
        nodeId: 'a',
        step: 1,
        kind: 'model_call',
        data: { model: 'scripted:default', input: 3, output: 2, costUsd: null },
      }),
      ev({
        type: 'node.finished',
        nodeId: 'a',
        step: 1,
        update: {},
        durationMs: 20,
        tokens: { input: 13, output: 7, costUsd: 0.000105 },
        model: 'anthropic:claude-sonnet-4-5',
      }),
      ev({ type: 'node.started', nodeId: 'b', step: 2, attempt: 1 }),
      ev({
        type: 'node.finished',
        nodeId: 'b',
        step: 2,
        update: {},
        durationMs: 5,
        tokens: { input: 1, output: 1, cached: 1, costUsd: 0.0002 },
      }),
    ];
    const s = events.reduce((st, e) => reduceRun(st, e), newRunState(R));
    const a = s.nodes.a;
    expect(a?.model).toBe('anthropic:claude-sonnet-4-5');
    expect(a?.calls.map((c) => [c.model, c.costUsd, c.requested])).toEqual([
      ['anthropic:claude-sonnet-4-5', 0.000105, 'tier:smart'],
      ['scripted:default', null, undefined],
    ]);
    expect(a?.failedAttempts).toEqual([
      {
        model: 'openai:gpt-4o',
        code: 'provider_unavailable',
        action: 'next',
        message: '503 Service Unavailable',
        next: 'anthropic:claude-sonnet-4-5',
        status: 503,
      },
    ]);
    expect(a?.tokens).toEqual({ input: 13, output: 7, costUsd: 0.000105 });
    expect(s.nodes.b?.model).toBeUndefined();
    // The run's running total keeps cost and cached tokens (free of float dust).
    expect(s.tokens).toEqual({ input: 14, output: 8, cached: 1, costUsd: 0.000305 });
  });
});
