import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { RunComparison } from '../api/debug-api.js';
import type { Run } from '../api/schemas.js';

export interface RunsApi {
  list(workflowId: string): Promise<Run[]>;
  compare(a: string, b: string): Promise<RunComparison>;
}

export interface RunsState {
  workflowId: string | undefined;
  runs: Run[];
  loading: boolean;
  error: string | undefined;
  /** Up to two run ids picked for comparison, in picking order. */
  picked: string[];
  comparison: RunComparison | undefined;
  comparing: boolean;
  load(workflowId: string): Promise<void>;
  togglePick(runId: string): void;
  compare(): Promise<void>;
  closeComparison(): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The runs of a workflow (to open a recorded run) and the two picked for comparison. React-free. */
export function createRunsStore(api: RunsApi): StoreApi<RunsState> {
  return createStore<RunsState>()((set, get) => ({
    workflowId: undefined,
    runs: [],
    loading: false,
    error: undefined,
    picked: [],
    comparison: undefined,
    comparing: false,
    async load(workflowId) {
      if (workflowId !== get().workflowId) set({ workflowId, runs: [], picked: [], comparison: undefined });
      set({ loading: true });
      try {
        const runs = await api.list(workflowId);
        if (get().workflowId === workflowId) set({ runs, loading: false, error: undefined });
      } catch (err) {
        if (get().workflowId === workflowId) set({ loading: false, error: message(err) });
      }
    },
    togglePick(runId) {
      const picked = get().picked;
      set({ picked: picked.includes(runId) ? picked.filter((id) => id !== runId) : [...picked, runId].slice(-2) });
    },
    async compare() {
      const [a, b] = get().picked;
      if (!a || !b) return;
      set({ comparing: true, error: undefined });
      try {
        const comparison = await api.compare(a, b);
        set({ comparison, comparing: false });
      } catch (err) {
        set({ comparing: false, error: message(err) });
      }
    },
    closeComparison() {
      set({ comparison: undefined });
    },
  }));
}
