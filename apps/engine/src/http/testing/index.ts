import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { HttpDeps, Logger } from '../deps.js';
import { FakeRunService } from './fake-run-service.js';
import { FakeThreadService } from './fake-thread-service.js';
import { MemoryWorkflowStore } from './memory-workflow-store.js';

export { FakeRunService } from './fake-run-service.js';
export { FakeThreadService } from './fake-thread-service.js';
export { MemoryWorkflowStore } from './memory-workflow-store.js';
export { paginate } from './paginate.js';
export { steppingClock } from './clock.js';

/** A logger that keeps what it is told, for assertions. */
export function recordingLogger(): Logger & {
  lines: { level: string; message: string; fields?: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

export interface FakeDeps extends HttpDeps {
  workflows: MemoryWorkflowStore;
  runs: FakeRunService;
  threads: FakeThreadService;
  logger: ReturnType<typeof recordingLogger>;
}

/** Deps with the built-in registry and in-memory fakes; workflow ids are `wf-1`, `wf-2`, … */
export function createFakeDeps(): FakeDeps {
  const workflows = new MemoryWorkflowStore();
  let next = 0;
  return {
    registry: createBuiltinRegistry(),
    workflows,
    runs: new FakeRunService(workflows),
    threads: new FakeThreadService(),
    logger: recordingLogger(),
    newWorkflowId: () => `wf-${++next}`,
  };
}
export { call } from './call.js';
export type { CallResult } from './call.js';
export { exampleDocument } from './examples.js';
