import { InMemoryStore } from '@langchain/langgraph';
import { describe, expect, it } from 'vitest';
import { memoryNode } from './memory.js';
import { configOf, runNode } from './test-node.js';

function memory() {
  return { store: new InMemoryStore(), workflowNamespace: ['workflow', 'wf1'] };
}

describe('memory node', () => {
  it('declares what it reads and writes per operation', () => {
    expect(memoryNode.channels(configOf(memoryNode, { operation: 'write', input: 'pref' }))).toEqual({
      reads: ['pref'],
      writes: [],
    });
    expect(memoryNode.channels(configOf(memoryNode, { operation: 'read', output: 'saved' }))).toEqual({
      reads: [],
      writes: ['saved'],
    });
  });

  it('writes a channel under workflow + scope and reads it back in another run', async () => {
    const m = memory();
    await runNode(
      memoryNode,
      { operation: 'write', key: 'drink', input: 'pref' },
      { userId: 'ada', pref: 'green tea' },
      { memory: m },
    );
    const item = await m.store.get(['workflow', 'wf1', 'ada'], 'drink');
    expect(item?.value).toEqual({ value: 'green tea' });
    const read = await runNode(
      memoryNode,
      { operation: 'read', key: 'drink', output: 'saved' },
      { userId: 'ada' },
      { memory: m },
    );
    expect(read.result.update).toEqual({ saved: 'green tea' });
    const other = await runNode(
      memoryNode,
      { operation: 'read', key: 'drink', output: 'saved' },
      { userId: 'bob' },
      { memory: m },
    );
    expect(other.result.update).toEqual({ saved: null });
  });

  it('an empty scope is shared; dots in a scope cannot escape the namespace', async () => {
    const m = memory();
    await runNode(memoryNode, { operation: 'write', scope: '', key: 'k', input: 'v' }, { v: 1 }, { memory: m });
    expect((await m.store.get(['workflow', 'wf1', '_shared'], 'k'))?.value).toEqual({ value: 1 });
    await runNode(
      memoryNode,
      { operation: 'write', key: 'k', input: 'v' },
      { userId: 'a.b@x.org:1', v: 2 },
      { memory: m },
    );
    expect((await m.store.get(['workflow', 'wf1', 'a%2Eb@x%2Eorg%3A1'], 'k'))?.value).toEqual({ value: 2 });
  });

  it('searches and deletes', async () => {
    const m = memory();
    await m.store.put(['workflow', 'wf1', 'ada'], 'a', { value: 'one' });
    await m.store.put(['workflow', 'wf1', 'ada'], 'b', { value: 'two' });
    const found = await runNode(memoryNode, { operation: 'search', output: 'all' }, { userId: 'ada' }, { memory: m });
    const hits = found.result.update?.all;
    expect(Array.isArray(hits) && hits.map((h: { key: string }) => h.key).sort()).toEqual(['a', 'b']);
    await runNode(memoryNode, { operation: 'delete', key: 'a' }, { userId: 'ada' }, { memory: m });
    expect(await m.store.get(['workflow', 'wf1', 'ada'], 'a')).toBeNull();
  });

  it('fails with tool_error when the engine has no store', async () => {
    await expect(runNode(memoryNode, { operation: 'read' }, { userId: 'x' })).rejects.toMatchObject({
      code: 'tool_error',
    });
  });
});
