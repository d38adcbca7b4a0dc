import { describe, expect, it } from 'vitest';
import { transformNode } from './transform.js';
import { configOf, portIds, runNode } from './test-node.js';

describe('transform node', () => {
  it('defaults to no assignments; writes the assigned channels once each', () => {
    expect(configOf(transformNode)).toEqual({ assignments: [] });
    expect(portIds(transformNode)).toEqual({ inputs: ['in'], outputs: ['out', 'error'] });
    const c = configOf(transformNode, {
      assignments: [
        { channel: 'a', value: '1' },
        { channel: 'a', value: '2' },
      ],
    });
    expect(transformNode.channels(c)).toEqual({ reads: [], writes: ['a'] });
    expect(transformNode.migrations ?? []).toEqual([]);
  });

  it('sets channels from templates and expressions; later assignments see earlier ones', async () => {
    const run = await runNode(
      transformNode,
      {
        assignments: [
          { channel: 'greeting', value: 'Hello, {{ state.name }}!' },
          { channel: 'n', mode: 'expression', value: '$length(state.greeting)' },
          { channel: 'items', value: '{{ state.list }}' },
        ],
      },
      { name: 'Ada', list: [1, 2] },
    );
    expect(run.result).toEqual({ update: { greeting: 'Hello, Ada!', n: 11, items: [1, 2] } });
  });

  it('a poison assignment fails with expression_limit naming `assignments.1.value`', async () => {
    const cfg = {
      assignments: [
        { channel: 'ok', value: 'fine' },
        { channel: 'bad', mode: 'expression', value: '$count([1..1000].([1..1000].([1..100])))' },
      ],
    };
    await expect(runNode(transformNode, cfg, {}, { id: 'set' })).rejects.toMatchObject({
      code: 'expression_limit',
      nodeId: 'set',
      details: { field: 'assignments.1.value' },
    });
  });

  it('the limits come from the injected services', async () => {
    const cfg = { assignments: [{ channel: 'xs', mode: 'expression', value: '[1..(state.n)]' }] };
    await expect(
      runNode(transformNode, cfg, { n: 20 }, { id: 'set', expressionLimits: { maxItems: 10 } }),
    ).rejects.toMatchObject({ code: 'expression_limit', details: { limit: 'maxItems', value: 10 } });
  });
});
