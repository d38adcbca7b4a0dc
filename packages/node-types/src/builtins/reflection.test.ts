import { describe, expect, it } from 'vitest';
import { reflectionNode } from './reflection.js';
import { configOf, portIds, runNode } from './test-node.js';

describe('reflection node', () => {
  it('defaults: 3 rounds into `output`, self-looping', () => {
    expect(configOf(reflectionNode)).toMatchObject({ task: '{{ state.input }}', maxRounds: 3, output: 'output' });
    expect(portIds(reflectionNode)).toEqual({ inputs: ['in'], outputs: ['out', 'error'] });
    expect(reflectionNode.boundedSelfLoop).toBe(true);
    expect(reflectionNode.migrations ?? []).toEqual([]);
  });

  it('loops while the critic rejects, then writes the accepted draft', async () => {
    const first = await runNode(
      reflectionNode,
      { rounds: 'log' },
      { input: 'poem' },
      {
        id: 'rf',
        script: { nodes: { rf: [{ content: 'draft 1' }, { structured: { accepted: false, feedback: 'shorter' } }] } },
      },
    );
    expect(first.result.self).toBe(true);
    expect(first.result.update).toMatchObject({
      log: [{ round: 1, draft: 'draft 1', accepted: false, feedback: 'shorter' }],
      __p_rf_progress: { round: 1, draft: 'draft 1', feedback: 'shorter' },
    });
    const second = await runNode(
      reflectionNode,
      {},
      { input: 'poem', __p_rf_progress: { round: 1, draft: 'draft 1', feedback: 'shorter' } },
      {
        id: 'rf',
        script: { nodes: { rf: [{ content: 'draft 2' }, { structured: { accepted: true, feedback: '' } }] } },
      },
    );
    expect(second.result).toEqual({ update: { output: 'draft 2' } });
    expect(second.events).toEqual([expect.objectContaining({ kind: 'reflection_round', round: 2, accepted: true })]);
  });

  it('a poison task fails with expression_limit naming `task`', async () => {
    await expect(
      runNode(reflectionNode, { task: '{{ ($f := function($n){ $f($n + 1) }; $f(0)) }}' }, {}, { id: 'rf' }),
    ).rejects.toMatchObject({ code: 'expression_limit', nodeId: 'rf', details: { field: 'task' } });
  });
});
