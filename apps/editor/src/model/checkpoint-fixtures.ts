import type { ThreadState } from '../api/debug-api.js';

let clock = 0;

/** A checkpoint for tests; `at` orders them in time. */
export function cp(id: string, parent: string | null, over: Partial<ThreadState> = {}): ThreadState {
  clock++;
  return {
    threadId: 't',
    checkpointId: id,
    parentCheckpointId: parent,
    step: 0,
    source: 'loop',
    values: {},
    next: [],
    tasks: [],
    runId: 'r1',
    metadata: {},
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, clock)).toISOString(),
    ...over,
  };
}
