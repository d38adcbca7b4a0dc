import { InMemoryStore } from '@langchain/langgraph';
import type { RetrievedChunk } from '@flowcraft/schema';
import { describe, expect, it } from 'vitest';
import type { RetrieveRequest } from '../sdk/services.js';
import { agentNode } from './agent.js';
import { runNode } from './test-node.js';

const chunk: RetrievedChunk = {
  id: 'd#0',
  documentId: 'd',
  knowledgeBaseId: 'kb',
  source: 'faq.md',
  idx: 0,
  content: 'Refunds take 5 days.',
  score: 0.9,
  startOffset: 0,
  endOffset: 20,
  lineFrom: 3,
  lineTo: 3,
  metadata: {},
  citation: 'faq.md:3',
};

describe('agent memory and knowledge tools', () => {
  it('remember, recall and retrieve run against the injected store and knowledge, namespaced by the state', async () => {
    const store = new InMemoryStore();
    const memory = { store, workflowNamespace: ['workflow', 'wf'] };
    const asked: RetrieveRequest[] = [];
    const knowledge = {
      retrieve: async (r: RetrieveRequest) => {
        asked.push(r);
        return [chunk];
      },
    };
    const tools = [{ kind: 'remember' }, { kind: 'recall' }, { kind: 'retrieve', knowledgeBase: 'kb', topK: 2 }];
    const script = {
      nodes: {
        a: [
          {
            toolCalls: [
              { name: 'remember', args: { memory: 'Prefers email', key: 'channel' }, id: 'c1' },
              { name: 'recall', args: { query: 'contact' }, id: 'c2' },
              { name: 'search_knowledge', args: { query: 'refund time' }, id: 'c3' },
            ],
          },
        ],
      },
    };
    const run = await runNode(
      agentNode,
      { tools },
      { input: 'hi', userId: 'u-1' },
      { id: 'a', script, memory, knowledge },
    );
    expect(run.calls[0]?.tools).toEqual(['remember', 'recall', 'search_knowledge']);
    expect((await store.get(['workflow', 'wf', 'u-1'], 'channel'))?.value).toEqual({ value: 'Prefers email' });
    expect(asked).toEqual([{ knowledgeBase: 'kb', query: 'refund time', topK: 2 }]);
    const results = run.events.map((e) => [e.tool, e.ok, e.result]);
    expect(results).toEqual([
      ['remember', true, 'Remembered (channel).'],
      ['recall', true, '- channel: Prefers email'],
      ['search_knowledge', true, '[1] (faq.md:3) Refunds take 5 days.'],
    ]);
  });

  it('without a store the tool fails the node with tool_error', async () => {
    await expect(
      runNode(
        agentNode,
        { tools: [{ kind: 'recall' }] },
        { input: 'x' },
        { id: 'a', script: { nodes: { a: [{ content: 'ok' }] } } },
      ),
    ).rejects.toMatchObject({ code: 'tool_error' });
  });
});
