import { describe, expect, it } from 'vitest';
import { parallelNode } from './parallel.js';
import { configOf, portIds, runNode } from './test-node.js';

describe('parallel node', () => {
  it('defaults to branches mode; map mode swaps the output port for `each`', () => {
    expect(configOf(parallelNode)).toEqual({
      mode: 'branches',
      over: 'state.items',
      itemChannel: 'item',
      maxItems: 100,
    });
    expect(portIds(parallelNode)).toEqual({ inputs: ['in'], outputs: ['out'] });
    expect(portIds(parallelNode, { mode: 'map' }).outputs).toEqual(['each']);
    expect(parallelNode.channels(configOf(parallelNode, { mode: 'map' }))).toEqual({ reads: [], writes: ['item'] });
    expect(parallelNode.migrations ?? []).toEqual([]);
  });

  it('branches mode does nothing itself; map mode sends one task per item', async () => {
    expect((await runNode(parallelNode, {}, {})).result).toEqual({});
    const run = await runNode(
      parallelNode,
      { mode: 'map', over: 'state.topics', itemChannel: 'topic' },
      { topics: ['a', 'b'] },
    );
    expect(run.result.sends).toEqual([
      { port: 'each', state: { topics: ['a', 'b'], topic: 'a' } },
      { port: 'each', state: { topics: ['a', 'b'], topic: 'b' } },
    ]);
  });

  it('refuses lists over maxItems; a poison list expression fails with expression_limit on `over`', async () => {
    await expect(runNode(parallelNode, { mode: 'map', maxItems: 1 }, { items: [1, 2] })).rejects.toMatchObject({
      code: 'node_failed',
    });
    await expect(
      runNode(parallelNode, { mode: 'map', over: '[1..(state.n)]' }, { n: 10_000_000 }, { id: 'fan' }),
    ).rejects.toMatchObject({ code: 'expression_limit', nodeId: 'fan', details: { field: 'over', limit: 'maxItems' } });
  });
});
