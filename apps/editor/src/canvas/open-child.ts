import { openSubworkflow } from '../controllers/subworkflow-trail.js';
import { documentStore } from '../stores/app-stores.js';

/** Open the workflow a sub-workflow node calls (double-click): its pinned version, or the latest; a breadcrumb leads back. */
export function openChildOf(config: Record<string, unknown>): void {
  const workflowId = typeof config.workflowId === 'string' ? config.workflowId.trim() : '';
  if (workflowId === '') return;
  const s = documentStore.getState();
  if (s.workflowId === undefined) return;
  const version = typeof config.version === 'number' ? config.version : undefined;
  openSubworkflow({ workflowId: s.workflowId, version: s.readOnlyVersion, name: s.doc.name }, { workflowId, version });
}
