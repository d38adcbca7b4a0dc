import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { wireEngine } from '../main/wire.js';
import { createStore } from '../store/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import { StoreRunPorts } from './store-run-ports.js';

const example = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../../examples/${name}.json`, import.meta.url), 'utf8'));

/**
 * A run ended by a transition alone — a cancel of a paused run, a run past its attempts — stores its
 * final status and its final event in one transaction: a reader who sees the status sees the event,
 * and a plain event append (which a crash could cut off after the transition) is never used for it.
 */
for (const kind of BACKENDS) {
  describe(`a run ended without an execution (${kind})`, () => {
    const database = useTestDatabase(kind);
    afterEach(() => vi.restoreAllMocks());

    async function lastEvents(store: ReturnType<typeof createStore>, runId: string) {
      const page = await store.runEvents.listAfter(runId, 0, 1000);
      return page.map((e) => ({ seq: e.seq, type: e.type }));
    }

    /** An engine on the test database with the example saved. */
    async function engineWith(name: string) {
      const store = createStore(database.db);
      const { runs } = wireEngine({ store, registry: createBuiltinRegistry(), env: {}, streamTokens: false });
      const { workflow } = await store.workflows.create({ name, document: example(name), valid: true });
      return { store, runs, workflow };
    }

    it('cancels a paused run with run.cancelled in the same statement as the status', async () => {
      const { store, runs, workflow } = await engineWith('human-approval');
      const { runId } = await runs.start({ workflowId: workflow.id, input: { topic: 'launch' } });
      await runs.settled(runId);
      expect((await store.runs.get(runId)).status).toBe('interrupted');
      const append = vi
        .spyOn(StoreRunPorts.prototype, 'appendEvents')
        .mockRejectedValue(new Error('the process died between the two writes'));
      await runs.cancel(runId);
      expect(append).not.toHaveBeenCalled();
      expect((await store.runs.get(runId)).status).toBe('cancelled');
      const events = await lastEvents(store, runId);
      expect(events.at(-1)?.type).toBe('run.cancelled');
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    });

    it('fails a run past its attempts with worker_lost and run.failed together', async () => {
      const { store, runs, workflow } = await engineWith('sequential-pipeline');
      const ports = new StoreRunPorts(store);
      const threadId = await ports.createThread(workflow.id);
      const run = await ports.createRun({
        id: crypto.randomUUID(),
        threadId,
        workflowId: workflow.id,
        workflowVersion: 1,
        input: { topic: 'x' },
        command: { kind: 'start' },
      });
      // Three workers died with it; its next job finds it past its attempts.
      for (let i = 0; i < 3; i++) {
        await ports.transition(run.id, { from: ['queued'] }, { status: 'running', claimBy: `w${i}` });
        await ports.transition(run.id, { from: ['running'] }, { status: 'queued', release: true, recovered: true });
      }
      const append = vi
        .spyOn(StoreRunPorts.prototype, 'appendEvents')
        .mockRejectedValue(new Error('the process died between the two writes'));
      await runs.execute(run.id);
      expect(append).not.toHaveBeenCalled();
      expect(await store.runs.get(run.id)).toMatchObject({ status: 'failed', error: { code: 'worker_lost' } });
      expect(await lastEvents(store, run.id)).toEqual([{ seq: 1, type: 'run.failed' }]);
    });
  });
}
