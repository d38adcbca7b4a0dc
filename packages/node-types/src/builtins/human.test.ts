import { describe, expect, it } from 'vitest';
import { humanNode, normalizeAnswer } from './human.js';
import { configOf, portIds, runNode } from './test-node.js';

describe('human node', () => {
  it('defaults to approval with approved/rejected ports; it pauses the run (no node timeout)', () => {
    expect(configOf(humanNode)).toEqual({
      kind: 'approval',
      message: 'Please review: {{ state.output }}',
      options: [],
    });
    expect(portIds(humanNode)).toEqual({ inputs: ['in'], outputs: ['approved', 'rejected'] });
    expect(portIds(humanNode, { kind: 'input' }).outputs).toEqual(['out']);
    expect(portIds(humanNode, { kind: 'choice', options: [{ id: 'x' }, { id: 'y' }] }).outputs).toEqual(['x', 'y']);
    expect(humanNode.pausesRun).toBe(true);
    expect(humanNode.migrations ?? []).toEqual([]);
  });

  it('interrupts with the rendered question and routes by the answer', async () => {
    const cfg = { message: 'Publish {{ state.draft }}?', channel: 'draft', decision: 'verdict' };
    const approved = await runNode(humanNode, cfg, { draft: 'v1' }, { id: 'h', resume: 'approve' });
    expect(approved.interrupts).toEqual([
      expect.objectContaining({ nodeId: 'h', kind: 'approval', message: 'Publish v1?', channel: 'draft', value: 'v1' }),
    ]);
    expect(approved.result).toEqual({ update: { verdict: { action: 'approve' } }, ports: ['approved'] });
    const edited = await runNode(humanNode, cfg, { draft: 'v1' }, { id: 'h', resume: { action: 'edit', value: 'v2' } });
    expect(edited.result).toMatchObject({ update: { draft: 'v2' }, ports: ['approved'] });
    const choice = await runNode(
      humanNode,
      { kind: 'choice', options: [{ id: 'x' }] },
      {},
      { resume: { choice: 'x' } },
    );
    expect(choice.result.ports).toEqual(['x']);
  });

  it('refuses unusable answers', async () => {
    expect(normalizeAnswer('maybe', 'approval')).toBeUndefined();
    await expect(runNode(humanNode, {}, {}, { id: 'h', resume: 'maybe' })).rejects.toMatchObject({
      code: 'invalid_input',
      nodeId: 'h',
    });
  });

  it('a poison question fails with expression_limit naming `message`', async () => {
    await expect(
      runNode(
        humanNode,
        { message: '{{ ($f := function($n){ $f($n + 1) }; $f(0)) }}' },
        {},
        { id: 'h', resume: 'approve' },
      ),
    ).rejects.toMatchObject({ code: 'expression_limit', nodeId: 'h', details: { field: 'message' } });
  });
});
