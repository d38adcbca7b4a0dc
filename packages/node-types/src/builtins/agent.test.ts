import { describe, expect, it } from 'vitest';
import { agentNode } from './agent.js';
import { configOf, portIds, runNode } from './test-node.js';

describe('agent node', () => {
  it('defaults: 8 iterations, no tools, `output`, self-looping', () => {
    const c = configOf(agentNode);
    expect(c).toMatchObject({ prompt: '{{ state.input }}', tools: [], maxIterations: 8, onMaxIterations: 'error' });
    expect(portIds(agentNode)).toEqual({ inputs: ['in'], outputs: ['out', 'error'] });
    expect(agentNode.boundedSelfLoop).toBe(true);
    expect(agentNode.migrations ?? []).toEqual([]);
  });

  it('answers without tools in one iteration', async () => {
    const run = await runNode(
      agentNode,
      { output: 'answer' },
      { input: 'hi' },
      {
        id: 'a',
        script: { nodes: { a: [{ content: 'hello' }] } },
      },
    );
    expect(run.result).toEqual({ update: { answer: 'hello' } });
  });

  it('calls a tool and loops back to itself with the conversation', async () => {
    const run = await runNode(
      agentNode,
      { tools: [{ kind: 'calculator' }] },
      { input: '2+3?' },
      { id: 'a', script: { nodes: { a: [{ toolCalls: [{ name: 'calculator', args: { expression: '2+3' } }] }] } } },
    );
    expect(run.result.self).toBe(true);
    expect(run.result.update?.__p_a_iterations).toBe(1);
    expect(run.events).toEqual([expect.objectContaining({ kind: 'tool_call', tool: 'calculator', ok: true })]);
  });

  it('a poison system prompt fails with expression_limit naming `system`', async () => {
    await expect(
      runNode(agentNode, { system: '{{ $count([1..1000].([1..1000].([1..100]))) }}' }, {}, { id: 'ag' }),
    ).rejects.toMatchObject({ code: 'expression_limit', nodeId: 'ag', details: { field: 'system' } });
  });
});
