import { validateWorkflow } from '@flowcraft/schema';
import type { WorkflowDocument } from '@flowcraft/schema';
import { validateDocument } from '../api/workflows-api.js';
import { catalogStore, documentStore, problemsStore } from '../stores/app-stores.js';

const LOCAL_DELAY_MS = 120;
const ENGINE_DELAY_MS = 500;

/**
 * Keeps the problems list in step with the document: the shared validator runs in the browser on
 * a catalog built from the node-type descriptions (instant), then the engine validates the same
 * document (complete: channel use, migrations); the engine's answer wins while the document is unchanged.
 */
export function startValidation(): () => void {
  let localTimer: ReturnType<typeof setTimeout> | undefined;
  let engineTimer: ReturnType<typeof setTimeout> | undefined;
  let inflight: AbortController | undefined;

  const schedule = (doc: WorkflowDocument) => {
    clearTimeout(localTimer);
    clearTimeout(engineTimer);
    inflight?.abort();
    localTimer = setTimeout(() => {
      const catalog = catalogStore.getState().catalog;
      if (!catalog || documentStore.getState().doc !== doc) return;
      problemsStore.getState().set(validateWorkflow(doc, catalog).problems, doc, 'editor');
    }, LOCAL_DELAY_MS);
    engineTimer = setTimeout(() => {
      const ctrl = new AbortController();
      inflight = ctrl;
      validateDocument(doc, ctrl.signal)
        .then((report) => {
          if (documentStore.getState().doc === doc) problemsStore.getState().set(report.problems, doc, 'engine');
        })
        .catch(() => {
          // offline or aborted: the editor's own list stays
        });
    }, ENGINE_DELAY_MS);
  };

  const unsubDoc = documentStore.subscribe((s, prev) => {
    if (s.doc !== prev.doc) schedule(s.doc);
  });
  const unsubCatalog = catalogStore.subscribe((s, prev) => {
    if (s.catalog !== prev.catalog) schedule(documentStore.getState().doc);
  });
  schedule(documentStore.getState().doc);
  return () => {
    unsubDoc();
    unsubCatalog();
    clearTimeout(localTimer);
    clearTimeout(engineTimer);
    inflight?.abort();
  };
}
