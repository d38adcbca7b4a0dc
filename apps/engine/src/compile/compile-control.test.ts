import { describe, expect, it } from 'vitest';
import { doc, end, runDoc, start } from '../testing/harness.js';

const str = { type: 'string' as const, reducer: 'replace' as const };
const list = { type: 'list' as const, reducer: 'append' as const };

describe('compile: parallel', () => {
  it('fans out to static branches and joins once after all of them', async () => {
    const d = doc({
      state: { input: str, parts: list, summary: str },
      nodes: [
        start(['input']),
        { id: 'fan', type: 'parallel', config: { mode: 'branches' } },
        {
          id: 'a',
          type: 'transform',
          config: { assignments: [{ channel: 'parts', mode: 'expression', value: '["a"]' }] },
        },
        {
          id: 'b1',
          type: 'transform',
          config: { assignments: [{ channel: 'parts', mode: 'expression', value: '["b1"]' }] },
        },
        {
          id: 'b2',
          type: 'transform',
          config: { assignments: [{ channel: 'parts', mode: 'expression', value: '["b2"]' }] },
        },
        {
          id: 'join',
          type: 'transform',
          config: { assignments: [{ channel: 'summary', value: '{{ $join(state.parts, "+") }}' }] },
        },
        end(['parts', 'summary']),
      ],
      edges: [
        ['start', 'fan'],
        ['fan', 'a'],
        ['fan', 'b1'],
        ['b1', 'b2'],
        ['a', 'join'],
        ['b2', 'join'],
        ['join', 'end'],
      ],
    });
    const run = await runDoc(d, { input: 'go' });
    expect(run.outcome.status).toBe('completed');
    expect(run.path.filter((n) => n === 'join')).toHaveLength(1);
    expect(run.path.indexOf('join')).toBeGreaterThan(run.path.indexOf('b2'));
    expect(run.outcome).toMatchObject({ output: { parts: expect.arrayContaining(['a', 'b1', 'b2']) } });
    if (run.outcome.status === 'completed')
      expect(String(run.outcome.output.summary).split('+').sort()).toEqual(['a', 'b1', 'b2']);
  });

  it('maps a branch over a list with Send and joins after all items', async () => {
    const d = doc({
      state: {
        items: { type: 'list', reducer: 'replace' },
        item: str,
        results: list,
        total: { type: 'number', reducer: 'replace' },
      },
      nodes: [
        start(['items']),
        { id: 'map', type: 'parallel', config: { mode: 'map', over: 'state.items', itemChannel: 'item' } },
        {
          id: 'work',
          type: 'transform',
          config: { assignments: [{ channel: 'results', mode: 'expression', value: '[$uppercase(state.item)]' }] },
        },
        {
          id: 'reduce',
          type: 'transform',
          config: { assignments: [{ channel: 'total', mode: 'expression', value: '$count(state.results)' }] },
        },
        end(['results', 'total']),
      ],
      edges: [
        ['start', 'map'],
        ['map', 'work', 'each'],
        ['work', 'reduce'],
        ['reduce', 'end'],
      ],
    });
    const run = await runDoc(d, { items: ['x', 'y', 'z'] });
    expect(run.outcome).toMatchObject({ status: 'completed', output: { total: 3 } });
    if (run.outcome.status === 'completed')
      expect([...(run.outcome.output.results as string[])].sort()).toEqual(['X', 'Y', 'Z']);
    expect(run.path.filter((n) => n === 'work')).toHaveLength(3);
    expect(run.path.filter((n) => n === 'reduce')).toHaveLength(1);
    const empty = await runDoc(d, { items: [] }, { threadId: 'empty' });
    expect(empty.path).toEqual(['start', 'map', 'reduce', 'end']);
    expect(empty.outcome).toMatchObject({ output: { total: 0 } });
  });
});

describe('compile: reflection', () => {
  const reflect = (maxRounds: number) =>
    doc({
      state: { input: str, essay: str, rounds: list },
      nodes: [
        start(['input']),
        {
          id: 'write',
          type: 'reflection',
          config: { model: 'scripted:w', maxRounds, output: 'essay', rounds: 'rounds' },
        },
        end(['essay', 'rounds']),
      ],
      edges: [
        ['start', 'write'],
        ['write', 'end'],
      ],
      script: {
        nodes: {
          write: [
            { content: 'draft one' },
            { structured: { accepted: false, feedback: 'add an example' } },
            { content: 'draft two with an example' },
            { structured: { accepted: true, feedback: 'good' } },
          ],
        },
      },
    });

  it('revises until the critic accepts, one step per round', async () => {
    const run = await runDoc(reflect(5), { input: 'write an essay' });
    expect(run.outcome).toMatchObject({ status: 'completed', output: { essay: 'draft two with an example' } });
    expect(run.path).toEqual(['start', 'write', 'write', 'end']);
    expect(run.calls).toHaveLength(4);
    if (run.outcome.status === 'completed')
      expect(run.outcome.output.rounds).toEqual([
        { round: 1, draft: 'draft one', accepted: false, feedback: 'add an example' },
        { round: 2, draft: 'draft two with an example', accepted: true, feedback: 'good' },
      ]);
  });

  it('stops at max rounds with the last draft', async () => {
    const run = await runDoc(reflect(1), { input: 'write an essay' });
    expect(run.outcome).toMatchObject({ status: 'completed', output: { essay: 'draft one' } });
    expect(run.path).toEqual(['start', 'write', 'end']);
  });
});

describe('compile: human', () => {
  const gate = () =>
    doc({
      state: { draft: str, status: str },
      nodes: [
        start(['draft']),
        {
          id: 'review',
          type: 'human',
          config: { kind: 'approval', message: 'Publish "{{ state.draft }}"?', channel: 'draft' },
        },
        {
          id: 'publish',
          type: 'transform',
          config: { assignments: [{ channel: 'status', value: 'published: {{ state.draft }}' }] },
        },
        { id: 'discard', type: 'transform', config: { assignments: [{ channel: 'status', value: 'discarded' }] } },
        end(['status']),
      ],
      edges: [
        ['start', 'review'],
        ['review', 'publish', 'approved'],
        ['review', 'discard', 'rejected'],
        ['publish', 'end'],
        ['discard', 'end'],
      ],
    });

  it('pauses with the question and resumes on approve', async () => {
    const run = await runDoc(gate(), { draft: 'Hello' });
    expect(run.outcome.status).toBe('interrupted');
    if (run.outcome.status !== 'interrupted') return;
    expect(run.outcome.interrupts[0]).toMatchObject({
      nodeId: 'review',
      value: { kind: 'approval', message: 'Publish "Hello"?', value: 'Hello' },
    });
    const resumed = await run.resume({ action: 'approve' });
    expect(resumed.outcome).toMatchObject({ status: 'completed', output: { status: 'published: Hello' } });
  });

  it('takes the rejected branch, and an edit replaces the value', async () => {
    const rejected = await (await runDoc(gate(), { draft: 'Hello' })).resume({ action: 'reject' });
    expect(rejected.outcome).toMatchObject({ output: { status: 'discarded' } });
    const edited = await (await runDoc(gate(), { draft: 'Hello' }, { threadId: 't2' })).resume({
      action: 'edit',
      value: 'Hello, world',
    });
    expect(edited.outcome).toMatchObject({ output: { status: 'published: Hello, world' } });
  });
});

describe('compile: resilience', () => {
  it('retries a retryable model error with backoff and records each failed attempt', async () => {
    const d = doc({
      state: { input: str, out: str },
      nodes: [
        start(['input']),
        {
          id: 'flaky',
          type: 'llm',
          config: {
            model: 'scripted:m',
            output: 'out',
            retry: { maxAttempts: 3, initialIntervalMs: 5, jitter: false },
          },
        },
        end(['out']),
      ],
      edges: [
        ['start', 'flaky'],
        ['flaky', 'end'],
      ],
      script: {
        nodes: {
          flaky: [
            { error: { message: 'overloaded', status: 503 } },
            { error: { message: 'overloaded', status: 503 } },
            { content: 'finally' },
          ],
        },
      },
    });
    const run = await runDoc(d, { input: 'x' });
    expect(run.outcome).toMatchObject({ status: 'completed', output: { out: 'finally' } });
    const failed = run.events.filter((e) => e.type === 'node.failed');
    expect(failed.map((e) => (e.type === 'node.failed' ? [e.attempt, e.willRetry] : []))).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  it('routes to the error branch when retries are exhausted', async () => {
    const d = doc({
      state: { input: str, out: str },
      nodes: [
        start(['input']),
        {
          id: 'flaky',
          type: 'llm',
          config: {
            model: 'scripted:m',
            output: 'out',
            retry: { maxAttempts: 2, initialIntervalMs: 1, jitter: false },
          },
        },
        {
          id: 'fallback',
          type: 'transform',
          config: { assignments: [{ channel: 'out', value: 'fallback after {{ state.__error.code }}' }] },
        },
        end(['out']),
      ],
      edges: [
        ['start', 'flaky'],
        ['flaky', 'end'],
        ['flaky', 'fallback', 'error'],
        ['fallback', 'end'],
      ],
      script: { nodes: { flaky: [{ error: { message: 'down', status: 503 } }] } },
    });
    const run = await runDoc(d, { input: 'x' });
    expect(run.outcome).toMatchObject({ status: 'completed', output: { out: 'fallback after model_error' } });
    expect(run.path).toContain('fallback');
  });

  it('does not retry a non-retryable error and fails naming the node', async () => {
    const d = doc({
      state: { input: str, out: str },
      nodes: [
        start(['input']),
        {
          id: 'bad',
          type: 'llm',
          config: { model: 'scripted:m', output: 'out', retry: { maxAttempts: 3, initialIntervalMs: 1 } },
        },
        end(['out']),
      ],
      edges: [
        ['start', 'bad'],
        ['bad', 'end'],
      ],
      script: { nodes: { bad: [{ error: { message: 'invalid api key', status: 401 } }, { content: 'never' }] } },
    });
    const run = await runDoc(d, { input: 'x' });
    expect(run.outcome).toMatchObject({ status: 'failed', error: { nodeId: 'bad' } });
    expect(run.calls).toHaveLength(1);
  });

  it('times out a slow node', async () => {
    const d = doc({
      state: { input: str, out: str },
      nodes: [
        start(['input']),
        { id: 'slow', type: 'llm', config: { model: 'scripted:m', output: 'out', timeoutMs: 50 } },
        end(['out']),
      ],
      edges: [
        ['start', 'slow'],
        ['slow', 'end'],
      ],
      script: { nodes: { slow: [{ content: 'late', delayMs: 2000 }] } },
    });
    const t0 = Date.now();
    const run = await runDoc(d, { input: 'x' });
    expect(run.outcome).toMatchObject({ status: 'failed', error: { code: 'node_timeout', nodeId: 'slow' } });
    expect(Date.now() - t0).toBeLessThan(1500);
  });
});
