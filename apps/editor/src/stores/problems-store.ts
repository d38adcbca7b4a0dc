import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { Problem, WorkflowDocument } from '@flowcraft/schema';
import { EMPTY_INDEX, indexProblems } from '../model/problem-index.js';
import type { ProblemIndex } from '../model/problem-index.js';

export interface ProblemsState {
  index: ProblemIndex;
  /** Which validator produced the list: the editor's own (instant) or the engine's (complete). */
  source: 'editor' | 'engine' | 'none';
  set(problems: readonly Problem[], doc: WorkflowDocument, source: 'editor' | 'engine'): void;
  reset(): void;
}

export function createProblemsStore(): StoreApi<ProblemsState> {
  return createStore<ProblemsState>()((set) => ({
    index: EMPTY_INDEX,
    source: 'none',
    set: (problems, doc, source) => set({ index: indexProblems(problems, doc), source }),
    reset: () => set({ index: EMPTY_INDEX, source: 'none' }),
  }));
}
