import { WorkflowDocument } from '@flowcraft/schema';

/** An empty workflow: no nodes, default settings (the user builds it on the canvas). */
export function newWorkflow(name: string, id = 'new'): WorkflowDocument {
  return WorkflowDocument.parse({ id, name, nodes: [] });
}
