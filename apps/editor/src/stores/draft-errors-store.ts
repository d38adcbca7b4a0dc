import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';

/**
 * Fields whose typed content cannot be stored yet (JSON that does not parse, settings of the wrong shape).
 * The text stays in the field, highlighted; while any is listed, Save refuses — nothing typed is dropped.
 */
export interface DraftErrorsState {
  /** Field key → what is wrong (with the field's label). */
  errors: ReadonlyMap<string, string>;
  set(key: string, message: string | undefined): void;
  clear(): void;
}

export function createDraftErrorsStore(): StoreApi<DraftErrorsState> {
  return createStore<DraftErrorsState>()((set, get) => ({
    errors: new Map(),
    set(key, message) {
      const current = get().errors;
      if (current.get(key) === message) return;
      const next = new Map(current);
      if (message === undefined) next.delete(key);
      else next.set(key, message);
      set({ errors: next });
    },
    clear: () => set({ errors: new Map() }),
  }));
}

/** The page's one list (fields register themselves; the save action reads it). */
export const draftErrorsStore = createDraftErrorsStore();
