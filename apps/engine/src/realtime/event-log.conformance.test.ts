import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { eventLogConformance } from './event-log.conformance.js';
import { MemoryEventLog } from './memory-event-log.js';

describe('MemoryEventLog conformance', () => {
  const log = new MemoryEventLog();
  eventLogConformance(() => ({
    log,
    newRun: async () => ({ runId: randomUUID(), threadId: randomUUID(), workflowId: 'wf' }),
    append: async (runId, body) => log.append(runId, body),
  }));
});
