import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InMemoryStore } from '@langchain/langgraph';
import { MemoryKnowledge, ScriptedEmbeddings, loadBundledKnowledge, runDoc } from '@flowcraft/engine/testing';
import type { TestRun } from '@flowcraft/engine/testing';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { WorkflowDocument, validateWorkflow } from '@flowcraft/schema';

function load(file: string): WorkflowDocument {
  return WorkflowDocument.parse(JSON.parse(readFileSync(new URL(`./${file}`, import.meta.url), 'utf8')));
}

function outputOf(run: TestRun): Record<string, unknown> {
  if (run.outcome.status !== 'completed')
    throw new Error(`expected a completed run, got ${JSON.stringify(run.outcome)}`);
  return run.outcome.output;
}

const knowledgeDir = fileURLToPath(new URL('./knowledge', import.meta.url));

describe('memory-preferences: remembers a preference across two threads', () => {
  const d = load('memory-preferences.json');

  it('is valid', () => {
    expect(validateWorkflow(d, createBuiltinRegistry()).problems).toEqual([]);
  });

  it('learns in the first conversation, serves the usual in a second thread, keeps users apart', async () => {
    const store = new InMemoryStore({ index: { dims: 256, embeddings: new ScriptedEmbeddings(), fields: ['value'] } });
    const first = await runDoc(d, {}, { store, threadId: 'monday' });
    expect(first.path).toEqual(['start', 'recall', 'known', 'learn', 'learn', 'end']);
    expect(outputOf(first).answer).toBe(
      "Noted: oat milk from now on. This morning I'd recommend a flat white with oat milk.",
    );
    expect(outputOf(first).memories).toEqual([]);
    // The remember tool stored the fact under workflow › memory-preferences › ada.
    expect((await store.get(['workflow', 'memory-preferences', 'ada'], 'milk'))?.value).toEqual({
      value: 'Takes oat milk in their coffee',
    });
    expect(first.calls.map((c) => [c.nodeId, c.tools])).toEqual([
      ['learn', ['remember']],
      ['learn', ['remember']],
    ]);
    const toolEvent = first.events.find((e) => e.type === 'node.progress' && e.nodeId === 'learn');
    expect(toolEvent).toBeDefined();

    // A new thread: no chat history is shared, only the store.
    const second = await runDoc(d, { message: 'Coffee as usual, please.' }, { store, threadId: 'tuesday' });
    expect(second.path).toEqual(['start', 'recall', 'known', 'personal', 'end']);
    expect(outputOf(second).answer).toBe('Welcome back! Your usual flat white with oat milk, coming right up.');
    expect(outputOf(second).memories).toEqual([
      expect.objectContaining({ key: 'milk', value: 'Takes oat milk in their coffee' }),
    ]);

    const stranger = await runDoc(
      d,
      { userId: 'bob', message: 'Coffee as usual, please.' },
      { store, threadId: 'bob-1' },
    );
    expect(stranger.path).toContain('learn');
    expect(stranger.path).not.toContain('personal');
  });
});

describe('knowledge-help-desk: answers with citations from the bundled documents', () => {
  const d = load('knowledge-help-desk.json');

  it('is valid and its knowledge base is bundled', async () => {
    expect(validateWorkflow(d, createBuiltinRegistry()).problems).toEqual([]);
    const bundles = await loadBundledKnowledge(knowledgeDir);
    expect(bundles.map((b) => [b.base.id, b.documents.map((x) => x.source)])).toEqual([
      ['northwind-help', ['returns.md', 'shipping.html', 'warranty.txt']],
    ]);
  });

  it('retrieves the refund passage first and the answer cites it', async () => {
    const knowledge = await MemoryKnowledge.from(await loadBundledKnowledge(knowledgeDir));
    const run = await runDoc(d, {}, { knowledge });
    expect(run.path).toEqual(['start', 'search', 'respond', 'end']);
    const out = outputOf(run);
    const context = out.context as { citation: string; content: string; score: number }[];
    expect(context).toHaveLength(3);
    expect(context[0]?.citation).toBe('returns.md:11-14');
    expect(context[0]?.content).toContain('within 5 business days');
    expect(String(out.answer)).toContain(`(${context[0]?.citation})`);
    const retrieval = run.events.find((e) => e.type === 'node.progress' && e.nodeId === 'search');
    expect(retrieval).toBeDefined();
  });

  it('another question finds another document', async () => {
    const knowledge = await MemoryKnowledge.from(await loadBundledKnowledge(knowledgeDir));
    const run = await runDoc(d, { question: 'Are tyres covered by the warranty?' }, { knowledge });
    const context = outputOf(run).context as { citation: string }[];
    expect(context[0]?.citation).toBe('warranty.txt:7-8');
  });
});
