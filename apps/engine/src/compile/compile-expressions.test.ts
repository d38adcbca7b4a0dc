import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '@flowcraft/schema';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { doc, end, runDoc, start } from '../testing/harness.js';

const str = { type: 'string' as const, reducer: 'replace' as const };
const POISON = '($f := function($n){ $f($n + 1) }; $f(0))';

/** Longest stretch the event loop could not turn while `fn` ran (a 5 ms timer's worst delay). */
async function maxLagDuring<T>(fn: () => Promise<T>): Promise<{ value: T; lagMs: number }> {
  let lagMs = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lagMs = Math.max(lagMs, now - last - 5);
    last = now;
  }, 5);
  try {
    const value = await fn();
    await new Promise((r) => setTimeout(r, 10));
    return { value, lagMs };
  } finally {
    clearInterval(timer);
  }
}

describe('compile: bounded expressions', () => {
  it('a poison prompt fails the run with expression_limit naming the node and field; the loop stays responsive', async () => {
    const d = doc({
      state: { topic: str, output: str },
      nodes: [start(['topic']), { id: 'writer', type: 'llm', config: { prompt: `About {{ ${POISON} }}` } }, end()],
      edges: [
        ['start', 'writer'],
        ['writer', 'end'],
      ],
      // Retries would only repeat the same cut: expression_limit is not retryable.
      settings: { retry: { maxAttempts: 3 } },
    });
    const { value: run, lagMs } = await maxLagDuring(() => runDoc(d, { topic: 'tides' }));
    expect(run.outcome).toMatchObject({
      status: 'failed',
      error: { code: 'expression_limit', nodeId: 'writer', details: { field: 'prompt', limit: 'timeoutMs' } },
    });
    const failed = run.events.filter((e) => e.type === 'node.failed');
    expect(failed).toEqual([expect.objectContaining({ nodeId: 'writer', willRetry: false })]);
    expect(lagMs).toBeLessThan(1000);
  });

  it('a poison router rule fails the run naming `routes.0.when`; an error branch catches it', async () => {
    const nodes = [
      start(['topic']),
      { id: 'triage', type: 'router', config: { mode: 'rules', routes: [{ id: 'a', when: POISON }] } },
      { id: 'a', type: 'transform', config: { assignments: [{ channel: 'topic', value: 'a' }] } },
      end(['topic']),
    ];
    const edges: [string, string, string][] = [
      ['start', 'triage', 'out'],
      ['triage', 'a', 'a'],
      ['triage', 'end', 'fallback'],
      ['a', 'end', 'out'],
    ];
    const uncaught = await runDoc(doc({ state: { topic: str }, nodes, edges }), { topic: 'x' });
    expect(uncaught.outcome).toMatchObject({
      status: 'failed',
      error: { code: 'expression_limit', nodeId: 'triage', details: { field: 'routes.0.when' } },
    });
    const handler = {
      id: 'handler',
      type: 'transform',
      config: { assignments: [{ channel: 'topic', value: '{{ state.__error.code }} in {{ state.__error.nodeId }}' }] },
    };
    const caught = await runDoc(
      doc({
        state: { topic: str },
        nodes: [...nodes, handler],
        edges: [...edges, ['triage', 'handler', 'error'], ['handler', 'end']],
      }),
      { topic: 'x' },
    );
    expect(caught.outcome).toMatchObject({ status: 'completed', output: { topic: 'expression_limit in triage' } });
  });

  it('a normal template still renders through the same path', async () => {
    const d = doc({
      state: { topic: str, line: str },
      nodes: [
        start(['topic']),
        {
          id: 'fmt',
          type: 'transform',
          config: {
            assignments: [
              { channel: 'line', value: '{{ $uppercase(state.topic) }}: {{ $join($sort(["b","a"]), ",") }}' },
            ],
          },
        },
        end(['line']),
      ],
      edges: [
        ['start', 'fmt'],
        ['fmt', 'end'],
      ],
    });
    const run = await runDoc(d, { topic: 'tides' });
    expect(run.outcome).toMatchObject({ status: 'completed', output: { line: 'TIDES: a,b' } });
  });

  it('validation rejects what it can see statically, with path and node id', () => {
    const d = doc({
      state: { topic: str },
      nodes: [
        start(['topic']),
        { id: 'writer', type: 'llm', config: { prompt: 'About {{ state.topic' } },
        {
          id: 'triage',
          type: 'router',
          config: { mode: 'rules', routes: [{ id: 'a', when: '$count([1..100000000]) > 0' }] },
        },
        {
          id: 'get',
          type: 'tool',
          config: { tool: 'http', url: 'https://x.example/{{ $match(state.topic, /(a)\\1/) }}' },
        },
        end(),
      ],
      edges: [
        ['start', 'writer'],
        ['writer', 'triage'],
        ['triage', 'get', 'a'],
        ['triage', 'end', 'fallback'],
        ['get', 'end'],
      ],
    });
    const res = validateWorkflow(d, createBuiltinRegistry());
    expect(res.ok).toBe(false);
    const problems = res.ok ? [] : res.problems.map((p) => ({ path: p.path, nodeId: p.nodeId, message: p.message }));
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: ['nodes', 1, 'config', 'prompt'], nodeId: 'writer', message: expect.stringContaining('unclosed "{{"') },
        {
          path: ['nodes', 2, 'config', 'routes', 0, 'when'],
          nodeId: 'triage',
          message: expect.stringContaining('over the limit of 100000'),
        },
        { path: ['nodes', 3, 'config', 'url'], nodeId: 'get', message: expect.stringContaining('backreferences') },
      ]),
    );
  });
});
