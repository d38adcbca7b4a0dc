import { describe, expect, it } from 'vitest';
import { startNode } from './start.js';
import { configOf, portIds, runNode } from './test-node.js';

describe('start node', () => {
  it('defaults to no inputs, one output port, version 1 without migrations', () => {
    expect(configOf(startNode)).toEqual({ inputs: [] });
    expect(portIds(startNode)).toEqual({ inputs: [], outputs: ['out'] });
    expect(startNode.version).toBe(1);
    expect(startNode.migrations ?? []).toEqual([]);
    expect(startNode.role).toBe('start');
  });

  it('writes its input channels; inputs are required by default', () => {
    const cfg = { inputs: [{ channel: 'topic' }, { channel: 'tone', required: false }] };
    expect(configOf(startNode, cfg).inputs[0]).toEqual({ channel: 'topic', required: true });
    expect(startNode.channels(configOf(startNode, cfg))).toEqual({ reads: [], writes: ['topic', 'tone'] });
  });

  it('passes when required inputs are present and fails naming the missing ones', async () => {
    const cfg = { inputs: [{ channel: 'topic' }, { channel: 'tone', required: false }] };
    expect((await runNode(startNode, cfg, { topic: 'tides' })).result).toEqual({});
    await expect(runNode(startNode, cfg, { topic: '' })).rejects.toMatchObject({
      code: 'invalid_input',
      nodeId: 'start',
      details: { missing: ['topic'] },
    });
  });
});
