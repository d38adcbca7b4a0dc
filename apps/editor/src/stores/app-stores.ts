import { useStore } from 'zustand';
import { createCatalogStore } from '../stores/catalog-store.js';
import type { CatalogState } from '../stores/catalog-store.js';
import { createDocumentStore } from '../stores/document-store.js';
import type { DocumentState } from '../stores/document-store.js';
import { createProblemsStore } from '../stores/problems-store.js';
import type { ProblemsState } from '../stores/problems-store.js';
import { createUiStore } from '../stores/ui-store.js';
import { createSessionStore, sessionCan } from '../stores/session-store.js';
import type { SessionStore } from '../stores/session-store.js';
import type { Permission } from '@flowcraft/schema';
import { draftErrorsStore } from '../stores/draft-errors-store.js';
import type { DraftErrorsState } from '../stores/draft-errors-store.js';
import { createIntegrationsStore } from '../stores/integrations-store.js';
import type { IntegrationsState } from '../stores/integrations-store.js';
import { listMcpServers, listMcpTools, listModels } from '../api/integrations-api.js';
import type { UiState } from './ui-store.js';
import { createRunStore } from './run-store.js';
import type { RunStoreState } from './run-store.js';
import { successorsIn } from '../model/successors.js';
import { compareRuns, getDiff, getHistory } from '../api/debug-api.js';
import { listRunsPage } from '../api/runs-api.js';
import { createBreakpointsStore } from './breakpoints-store.js';
import type { BreakpointsState } from './breakpoints-store.js';
import { createTimelineStore } from './timeline-store.js';
import type { TimelineState } from './timeline-store.js';
import { createScrubStore } from './scrub-store.js';
import type { ScrubState } from './scrub-store.js';
import { createRunsStore } from './runs-store.js';
import type { RunsState } from './runs-store.js';

/** The app's stores (one editor per page). The stores themselves know nothing of React. */
export const documentStore = createDocumentStore();
const successors = (nodeId: string, next: readonly string[] | undefined) =>
  successorsIn(documentStore.getState().doc, nodeId, next);
export const runStore = createRunStore(successors);
export const catalogStore = createCatalogStore();
export const problemsStore = createProblemsStore();
export const uiStore = createUiStore();
export { draftErrorsStore };
export const integrationsStore = createIntegrationsStore({
  models: () => listModels(),
  mcpServers: () => listMcpServers(),
  mcpTools: (server) => listMcpTools(server),
});
export const breakpointsStore = createBreakpointsStore();
export const timelineStore = createTimelineStore({ history: (t, cursor) => getHistory(t, cursor), diff: getDiff });
export const scrubStore = createScrubStore(successors);
export const runsStore = createRunsStore({ list: async (w) => (await listRunsPage(w)).items, compare: compareRuns });

export const useDocument = <T>(selector: (s: DocumentState) => T): T => useStore(documentStore, selector);
export const useRun = <T>(selector: (s: RunStoreState) => T): T => useStore(runStore, selector);
export const useCatalog = <T>(selector: (s: CatalogState) => T): T => useStore(catalogStore, selector);
export const useProblems = <T>(selector: (s: ProblemsState) => T): T => useStore(problemsStore, selector);
export const useIntegrations = <T>(selector: (s: IntegrationsState) => T): T => useStore(integrationsStore, selector);
export const useDraftErrors = <T>(selector: (s: DraftErrorsState) => T): T => useStore(draftErrorsStore, selector);
export const sessionStore = createSessionStore();
export const useSession = <T>(selector: (s: SessionStore) => T): T => useStore(sessionStore, selector);
/** Whether the signed-in caller may do something (Save, Run, Debug are greyed out otherwise). */
export const useCan = (permission: Permission): boolean => useStore(sessionStore, (s) => sessionCan(s, permission));
export const useUi = <T>(selector: (s: UiState) => T): T => useStore(uiStore, selector);
export const useBreakpoints = <T>(selector: (s: BreakpointsState) => T): T => useStore(breakpointsStore, selector);
export const useTimeline = <T>(selector: (s: TimelineState) => T): T => useStore(timelineStore, selector);
export const useScrub = <T>(selector: (s: ScrubState) => T): T => useStore(scrubStore, selector);
export const useRuns = <T>(selector: (s: RunsState) => T): T => useStore(runsStore, selector);

/** Ask the user to confirm; resolves true when confirmed. */
export function confirmDialog(title: string, message: string, confirmLabel = 'OK', danger = false): Promise<boolean> {
  return new Promise((resolve) => {
    uiStore
      .getState()
      .openDialog({ title, message, confirmLabel, danger, input: undefined, resolve: (v) => resolve(v !== false) });
  });
}

/** Ask the user for a text value; resolves undefined when cancelled. */
export function promptDialog(
  title: string,
  message: string,
  initial: string,
  confirmLabel = 'OK',
): Promise<string | undefined> {
  return new Promise((resolve) => {
    uiStore.getState().openDialog({
      title,
      message,
      confirmLabel,
      danger: false,
      input: initial,
      resolve: (v) => resolve(v === false ? undefined : v),
    });
  });
}

export const toast = (kind: 'info' | 'error' | 'success', text: string) => uiStore.getState().toast(kind, text);
