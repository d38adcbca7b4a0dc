import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { TraceEvent } from '@flowcraft/schema';
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
  });
}
