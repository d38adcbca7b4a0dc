import { describe, expect, it } from 'vitest';
import { endNode } from './end.js';
import { configOf, portIds, runNode } from './test-node.js';

describe('end node', () => {
  it('defaults to all channels (no outputs listed), one input and no output port', () => {
    expect(configOf(endNode)).toEqual({ outputs: [] });
    expect(portIds(endNode)).toEqual({ inputs: ['in'], outputs: [] });
    expect(endNode.role).toBe('end');
    expect(endNode.migrations ?? []).toEqual([]);
  });

  it('reads the chosen output channels and writes nothing', async () => {
    expect(endNode.channels(configOf(endNode, { outputs: ['answer'] }))).toEqual({ reads: ['answer'], writes: [] });
    expect((await runNode(endNode, { outputs: ['answer'] }, { answer: 42 })).result).toEqual({});
  });
});
