import { describe, expect, it } from 'vitest';
import { llmNode } from './llm.js';
import { configOf, portIds, runNode } from './test-node.js';

describe('llm node', () => {
  it('defaults: prompt from state.input into `output`, next and error ports', () => {
    expect(configOf(llmNode)).toEqual({ model: '', system: '', prompt: '{{ state.input }}', output: 'output' });
    expect(portIds(llmNode)).toEqual({ inputs: ['in'], outputs: ['out', 'error'] });
    expect(llmNode.migrations ?? []).toEqual([]);
    expect(llmNode.channels(configOf(llmNode, { appendTo: 'messages', history: 'messages' }))).toEqual({
      reads: ['messages'],
      writes: ['output', 'messages'],
    });
  });

  it('renders the prompt over state and writes the reply', async () => {
    const run = await runNode(
      llmNode,
      { prompt: 'Write about {{ state.topic }}', output: 'draft' },
      { topic: 'tides' },
      { id: 'writer', script: { nodes: { writer: [{ content: 'Tides rise.' }] } } },
    );
    expect(run.result).toEqual({ update: { draft: 'Tides rise.' } });
    expect(run.calls).toEqual([expect.objectContaining({ nodeId: 'writer', messages: 1, source: 'node' })]);
  });

  it('writes structured output when a schema is set', async () => {
    const run = await runNode(
      llmNode,
      { schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { input: 'where?' },
      { id: 'x', script: { nodes: { x: [{ structured: { city: 'Paris' } }] } } },
    );
    expect(run.result.update).toEqual({ output: { city: 'Paris' } });
  });

  it('a poison prompt fails with expression_limit naming the node and `prompt`', async () => {
    await expect(
      runNode(llmNode, { prompt: 'Hi {{ ($f := function($n){ $f($n + 1) }; $f(0)) }}' }, {}, { id: 'writer' }),
    ).rejects.toMatchObject({ code: 'expression_limit', nodeId: 'writer', details: { field: 'prompt' } });
  });
});
