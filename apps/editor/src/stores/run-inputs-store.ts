import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { StateStorage } from 'zustand/middleware';

/** Run-form text by channel. */
export type InputValues = Record<string, string>;

/**
 * Run inputs per workflow, kept in the browser (localStorage): the text being typed (kept across tab
 * switches, saves and reloads) and named test inputs saved to run again.
 */
export interface RunInputsState {
  drafts: Record<string, InputValues>;
  saved: Record<string, Record<string, InputValues>>;
  setDraft(workflowId: string, values: InputValues): void;
  save(workflowId: string, name: string, values: InputValues): void;
  remove(workflowId: string, name: string): void;
}

const memory = (): StateStorage => {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
};

export function createRunInputsStore(storage: StateStorage = browserStorage()): StoreApi<RunInputsState> {
  return createStore<RunInputsState>()(
    persist(
      (set, get) => ({
        drafts: {},
        saved: {},
        setDraft: (workflowId, values) => set({ drafts: { ...get().drafts, [workflowId]: values } }),
        save: (workflowId, name, values) =>
          set({ saved: { ...get().saved, [workflowId]: { ...get().saved[workflowId], [name]: values } } }),
        remove(workflowId, name) {
          const { [name]: _gone, ...rest } = get().saved[workflowId] ?? {};
          set({ saved: { ...get().saved, [workflowId]: rest } });
        },
      }),
      {
        name: 'flowcraft.run-inputs',
        storage: createJSONStorage(() => storage),
        partialize: (s) => ({ drafts: s.drafts, saved: s.saved }),
      },
    ),
  );
}

function browserStorage(): StateStorage {
  try {
    return typeof localStorage === 'undefined' ? memory() : localStorage;
  } catch {
    return memory();
  }
}

/** The page's one store. */
export const runInputsStore = createRunInputsStore();
