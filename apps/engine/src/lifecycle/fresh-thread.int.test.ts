import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { RunnableConfig } from '@langchain/core/runnables';
import { wireEngine } from '../main/wire.js';
import { createStore } from '../store/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';

const pipeline = JSON.parse(
  readFileSync(new URL('../../../../examples/sequential-pipeline.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

/**
 * A start that creates its thread reads no checkpoint before it runs (the thread has none); a start
 * on a thread that has checkpoints reads the latest, and so does a later attempt of a fresh start.
 */
for (const kind of BACKENDS) {
  describe(`a start on a new thread (${kind})`, () => {
    const database = useTestDatabase(kind);

    it('runs without reading its thread’s checkpoints; a start on an existing thread reads them', async () => {
      const store = createStore(database.db);
      const reads: string[] = [];
      const getTuple = store.checkpointer.getTuple.bind(store.checkpointer);
      vi.spyOn(store.checkpointer, 'getTuple').mockImplementation((config: RunnableConfig) => {
        reads.push(String(config.configurable?.thread_id));
        return getTuple(config);
      });
      const { runs } = wireEngine({ store, registry: createBuiltinRegistry(), env: {}, streamTokens: false });
      const { workflow } = await store.workflows.create({ name: 'fresh', document: pipeline, valid: true });
      const first = await runs.start({ workflowId: workflow.id, input: { topic: 'tides' } });
      await runs.settled(first.runId);
      const done = await store.runs.get(first.runId);
      expect(done.status).toBe('completed');
      expect(reads.filter((t) => t === first.threadId)).toEqual([]);
      // Its checkpoints are there: the next run on the thread reads them and continues the thread.
      const second = await runs.start({ workflowId: workflow.id, threadId: first.threadId, input: { topic: 'kelp' } });
      await runs.settled(second.runId);
      expect((await store.runs.get(second.runId)).status).toBe('completed');
      expect(reads.filter((t) => t === first.threadId).length).toBeGreaterThan(0);
      const history = [];
      for await (const t of store.checkpointer.list({ configurable: { thread_id: first.threadId } })) history.push(t);
      expect(new Set(history.map((t) => Reflect.get(t.metadata ?? {}, 'runId')))).toEqual(
        new Set([first.runId, second.runId]),
      );
    });
  });
}
