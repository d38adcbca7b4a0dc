import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { TraceEvent } from '@flowcraft/schema';
import { wireEngine } from '../main/wire.js';
import { createStore } from '../store/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import { StoreRunPorts } from './store-run-ports.js';

const pipeline = JSON.parse(
  readFileSync(new URL('../../../../examples/sequential-pipeline.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

/**
 * A step with one task stores the task's writes and the checkpoint after them in one commit: every
 * `node.finished` of a sequential run travels with that step's `checkpoint.saved`.
 */
for (const kind of BACKENDS) {
  describe(`a step's commit (${kind})`, () => {
    const database = useTestDatabase(kind);
    afterEach(() => vi.restoreAllMocks());

    it("stores each single-task step's writes, node.finished, checkpoint and checkpoint.saved together", async () => {
      const commits: string[][] = [];
      const commit = StoreRunPorts.prototype.appendEventsWith;
      vi.spyOn(StoreRunPorts.prototype, 'appendEventsWith').mockImplementation(function (
        this: StoreRunPorts,
        runId: string,
        events: TraceEvent[],
        write: (target: unknown) => Promise<void>,
        storedSeq?: number,
      ) {
        commits.push(events.map((e) => e.type));
        return commit.call(this, runId, events, write, storedSeq);
      });
      const store = createStore(database.db);
      const { runs } = wireEngine({ store, registry: createBuiltinRegistry(), env: {}, streamTokens: false });
      const { workflow } = await store.workflows.create({ name: 'steps', document: pipeline, valid: true });
      const { runId } = await runs.start({ workflowId: workflow.id, input: { topic: 'tides' } });
      await runs.settled(runId);
      expect((await store.runs.get(runId)).status).toBe('completed');
      const withFinished = commits.filter((types) => types.includes('node.finished'));
      expect(withFinished.length).toBeGreaterThanOrEqual(3);
      for (const types of withFinished) expect(types).toEqual(['node.finished', 'checkpoint.saved']);
    });
  });
}
