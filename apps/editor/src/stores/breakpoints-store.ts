import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';

export type BreakWhere = 'before' | 'after';

/** Minimal storage (localStorage in the browser; a Map in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface BreakpointsState {
  workflowId: string | undefined;
  /** Node ids to pause before / after, sorted. */
  before: string[];
  after: string[];
  /** Debug mode: breakpoint gutters on the cards and the debugger dock. */
  debugMode: boolean;
  setWorkflow(workflowId: string | undefined): void;
  toggle(nodeId: string, where: BreakWhere): void;
  set(nodeId: string, where: BreakWhere, on: boolean): void;
  clear(): void;
  /** Drop breakpoints of nodes that no longer exist. */
  prune(nodeIds: readonly string[]): void;
  setDebugMode(on: boolean): void;
  /** The breakpoints kept for another workflow (a child a sub-workflow node calls). */
  of(workflowId: string): { before: string[]; after: string[] };
}

const keyOf = (workflowId: string) => `flowcraft.breakpoints.${workflowId}`;

function read(storage: KeyValueStorage | undefined, workflowId: string): { before: string[]; after: string[] } {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(keyOf(workflowId)) ?? 'null');
    if (
      raw &&
      typeof raw === 'object' &&
      'before' in raw &&
      'after' in raw &&
      Array.isArray(raw.before) &&
      Array.isArray(raw.after)
    ) {
      const strings = (v: unknown[]) => v.filter((x): x is string => typeof x === 'string').sort();
      return { before: strings(raw.before), after: strings(raw.after) };
    }
  } catch {
    // unreadable: start empty
  }
  return { before: [], after: [] };
}

function browserStorage(): KeyValueStorage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/** Breakpoints per workflow (kept in the browser's storage) and the debug-mode switch. React-free. */
export function createBreakpointsStore(
  storage: KeyValueStorage | undefined = browserStorage(),
): StoreApi<BreakpointsState> {
  return createStore<BreakpointsState>()((set, get) => {
    const save = (before: string[], after: string[]) => {
      const id = get().workflowId;
      set({ before, after });
      if (!id) return;
      try {
        storage?.setItem(keyOf(id), JSON.stringify({ before, after }));
      } catch {
        // storage full or unavailable: breakpoints last for this page
      }
    };
    const with_ = (list: string[], nodeId: string, on: boolean) =>
      on ? [...new Set([...list, nodeId])].sort() : list.filter((x) => x !== nodeId);
    return {
      workflowId: undefined,
      before: [],
      after: [],
      debugMode: false,
      setWorkflow(workflowId) {
        if (workflowId === get().workflowId) return;
        set({ workflowId, ...(workflowId ? read(storage, workflowId) : { before: [], after: [] }) });
      },
      toggle(nodeId, where) {
        get().set(nodeId, where, !get()[where].includes(nodeId));
      },
      set(nodeId, where, on) {
        const s = get();
        if (where === 'before') save(with_(s.before, nodeId, on), s.after);
        else save(s.before, with_(s.after, nodeId, on));
      },
      clear() {
        save([], []);
      },
      prune(nodeIds) {
        const keep = new Set(nodeIds);
        const s = get();
        const before = s.before.filter((id) => keep.has(id));
        const after = s.after.filter((id) => keep.has(id));
        if (before.length !== s.before.length || after.length !== s.after.length) save(before, after);
      },
      setDebugMode(on) {
        set({ debugMode: on });
      },
      of(workflowId) {
        const s = get();
        return workflowId === s.workflowId ? { before: s.before, after: s.after } : read(storage, workflowId);
      },
    };
  });
}

export function breakpointCount(s: Pick<BreakpointsState, 'before' | 'after'>): number {
  return s.before.length + s.after.length;
}
