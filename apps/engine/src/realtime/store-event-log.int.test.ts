import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TraceEvent } from '@flowcraft/schema';
import type { NativeSql } from '../store/index.js';
import { toStoredEvent } from '../store/event-codec.js';
import { createStore } from '../store/index.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import { eventLogConformance } from './event-log.conformance.js';
import { StoreEventLog } from './store-event-log.js';

for (const kind of BACKENDS) {
  describe(`StoreEventLog conformance (${kind})`, () => {
    const database = useTestDatabase(kind);
    eventLogConformance(() => {
      const store = createStore(database.db);
      const log = new StoreEventLog(store.runEvents);
      return {
        log,
        newRun: async () => {
          const { workflow } = await store.workflows.create({ name: `wf ${randomUUID()}`, document: {}, valid: true });
          const thread = await store.threads.create({ workflowId: workflow.id });
          const run = await store.runs.create({ threadId: thread.id, workflowId: workflow.id, workflowVersion: 1 });
          return { runId: run.id, threadId: thread.id, workflowId: workflow.id };
        },
        append: async (runId, body) => {
          const seq = (await store.runEvents.lastSeq(runId)) + 1;
          const event = TraceEvent.parse({ ...body, runId, seq, ts: new Date().toISOString() });
          await store.runEvents.appendMany(runId, [{ ...toStoredEvent(event), seq }]);
          log.publish(event);
          return event;
        },
      };
    });

    it('reads what it missed when its LISTEN connection comes back: every listened run from its last delivered seq', async () => {
      const store = createStore(database.db);
      const log = new StoreEventLog(store.runEvents);
      let relisten: (() => void) | undefined;
      let announce: ((payload: string) => void) | undefined;
      const native: Pick<NativeSql, 'listen'> = {
        listen: async (_channel, onPayload, onRelisten) => {
          announce = onPayload;
          relisten = onRelisten;
          return async () => undefined;
        },
      };
      await log.followOtherProcesses(native);
      const { workflow } = await store.workflows.create({ name: `wf ${randomUUID()}`, document: {}, valid: true });
      const thread = await store.threads.create({ workflowId: workflow.id });
      const run = await store.runs.create({ threadId: thread.id, workflowId: workflow.id, workflowVersion: 1 });
      const got: number[] = [];
      log.subscribe(run.id, (e) => got.push(e.seq));
      const store3 = async (from: number) => {
        const events = [0, 1, 2].map((i) =>
          TraceEvent.parse({
            type: 'model.token',
            nodeId: 'n',
            text: 't',
            runId: run.id,
            seq: from + i,
            ts: new Date().toISOString(),
          }),
        );
        await store.runEvents.appendMany(
          run.id,
          events.map((e) => ({ ...toStoredEvent(e), seq: e.seq })),
        );
      };
      // Stored and announced: delivered.
      await store3(1);
      announce?.(`${run.id} 1 3`);
      await expect.poll(() => got).toEqual([1, 2, 3]);
      // Stored while the LISTEN connection was away: the announcement never came.
      await store3(4);
      await new Promise((r) => setTimeout(r, 50));
      expect(got).toEqual([1, 2, 3]);
      relisten?.();
      await expect.poll(() => got).toEqual([1, 2, 3, 4, 5, 6]);
    });
  });
}
