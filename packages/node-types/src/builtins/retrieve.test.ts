import type { RetrievedChunk } from '@flowcraft/schema';
import { describe, expect, it } from 'vitest';
import type { RetrieveRequest } from '../sdk/services.js';
import { retrieveNode } from './retrieve.js';
import { configOf, runNode } from './test-node.js';

const chunk = (i: number): RetrievedChunk => ({
  id: `d1#${i}`,
  documentId: 'd1',
  knowledgeBaseId: 'kb',
  source: 'faq.md',
  idx: i,
  content: `passage ${i}`,
  score: 1 - i / 10,
  startOffset: 0,
  endOffset: 9,
  lineFrom: i + 1,
  lineTo: i + 1,
  metadata: { source: 'faq.md' },
  citation: `faq.md:${i + 1}`,
});

describe('retrieve node', () => {
  it('asks for a knowledge base', () => {
    expect(retrieveNode.check?.(configOf(retrieveNode))).toEqual([
      { path: ['knowledgeBase'], message: 'choose a knowledge base' },
    ]);
  });

  it('renders the query, passes top-k, threshold and filter, writes chunks and text with citations', async () => {
    const requests: RetrieveRequest[] = [];
    const knowledge = {
      retrieve: async (r: RetrieveRequest) => {
        requests.push(r);
        return [chunk(0), chunk(1)];
      },
    };
    const run = await runNode(
      retrieveNode,
      {
        knowledgeBase: 'kb',
        query: 'about {{ state.topic }}',
        topK: 2,
        threshold: 0.2,
        filter: { lang: 'en' },
        textOutput: 'ctx',
      },
      { topic: 'refunds' },
      { knowledge },
    );
    expect(requests).toEqual([
      { knowledgeBase: 'kb', query: 'about refunds', topK: 2, threshold: 0.2, filter: { lang: 'en' } },
    ]);
    expect(run.result.update?.context).toEqual([chunk(0), chunk(1)]);
    expect(run.result.update?.ctx).toBe('[1] (faq.md:1) passage 0\n\n[2] (faq.md:2) passage 1');
    expect(run.events).toContainEqual({ kind: 'retrieval', knowledgeBase: 'kb', hits: ['faq.md:1', 'faq.md:2'] });
  });
});
