import { useStore } from 'zustand';
import { createCatalogStore } from '../stores/catalog-store.js';
import type { CatalogState } from '../stores/catalog-store.js';
import { createDocumentStore } from '../stores/document-store.js';
import type { DocumentState } from '../stores/document-store.js';
import { createProblemsStore } from '../stores/problems-store.js';
import type { ProblemsState } from '../stores/problems-store.js';
import { createUiStore } from '../stores/ui-store.js';
import type { UiState } from '../stores/ui-store.js';
import { createRunStore } from '../run/run-store.js';
import type { RunStoreState } from '../run/run-store.js';
import { successorsIn } from '../run/successors.js';

/** The app's stores (one editor per page). The stores themselves know nothing of React. */
export const documentStore = createDocumentStore();
export const runStore = createRunStore((nodeId, next) => successorsIn(documentStore.getState().doc, nodeId, next));
export const catalogStore = createCatalogStore();
export const problemsStore = createProblemsStore();
export const uiStore = createUiStore();

export const useDocument = <T>(selector: (s: DocumentState) => T): T => useStore(documentStore, selector);
export const useRun = <T>(selector: (s: RunStoreState) => T): T => useStore(runStore, selector);
export const useCatalog = <T>(selector: (s: CatalogState) => T): T => useStore(catalogStore, selector);
export const useProblems = <T>(selector: (s: ProblemsState) => T): T => useStore(problemsStore, selector);
export const useUi = <T>(selector: (s: UiState) => T): T => useStore(uiStore, selector);

/** Ask the user to confirm; resolves true when confirmed. */
export function confirmDialog(title: string, message: string, confirmLabel = 'OK', danger = false): Promise<boolean> {
  return new Promise((resolve) => {
    uiStore.getState().openDialog({ title, message, confirmLabel, danger, input: undefined, resolve: (v) => resolve(v !== false) });
  });
}

/** Ask the user for a text value; resolves undefined when cancelled. */
export function promptDialog(title: string, message: string, initial: string, confirmLabel = 'OK'): Promise<string | undefined> {
  return new Promise((resolve) => {
    uiStore.getState().openDialog({ title, message, confirmLabel, danger: false, input: initial, resolve: (v) => resolve(v === false ? undefined : v) });
  });
}

export const toast = (kind: 'info' | 'error' | 'success', text: string) => uiStore.getState().toast(kind, text);
