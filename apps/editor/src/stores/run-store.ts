import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { TraceEvent } from '@flowcraft/schema';
import { markResumed, newRunState, reduceRun } from '../model/run-state.js';
import type { RunState, Successors } from '../model/run-state.js';

export interface RunStoreState {
  run: RunState | undefined;
  /** The node whose output is shown in the run panel. */
  focusNode: string | undefined;
  start(runId: string, threadId?: string): void;
  apply(event: TraceEvent): void;
  applyAll(events: readonly TraceEvent[]): void;
  resumed(): void;
  /** Show a run state computed elsewhere (a recorded run scrubbed to an earlier event). */
  show(run: RunState): void;
  clear(): void;
  focus(nodeId: string | undefined): void;
}

export type RunStore = StoreApi<RunStoreState>;

/** The watched run, fed by trace events (live or replayed). Free of React. */
export function createRunStore(successors?: Successors): RunStore {
  return createStore<RunStoreState>()((set, get) => ({
    run: undefined,
    focusNode: undefined,
    start(runId, threadId) {
      set({ run: newRunState(runId, threadId), focusNode: undefined });
    },
    apply(event) {
      const run = get().run;
      if (!run) return;
      const next = reduceRun(run, event, successors);
      if (next !== run) set({ run: next });
    },
    applyAll(events) {
      const run = get().run;
      if (!run) return;
      const next = events.reduce((state, event) => reduceRun(state, event, successors), run);
      if (next !== run) set({ run: next });
    },
    resumed() {
      const run = get().run;
      if (run) set({ run: markResumed(run) });
    },
    show(run) {
      set({ run });
    },
    clear() {
      set({ run: undefined, focusNode: undefined });
    },
    focus(nodeId) {
      set({ focusNode: nodeId });
    },
  }));
}
