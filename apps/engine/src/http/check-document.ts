import { validateWorkflow } from '@flowcraft/schema';
import type { NodeCatalog } from '@flowcraft/schema';
import type { NewWorkflowVersion } from './deps.js';
import type { DraftDocument } from './schemas/workflow.js';

const UNTITLED = 'Untitled workflow';

/**
 * Validate a document for saving under `id`: the document's own `id` is set to the workflow id,
 * a valid document is stored parsed (defaults applied, configs migrated), an invalid one as sent.
 */
export function checkDocument(
  document: DraftDocument,
  id: string,
  catalog: NodeCatalog,
  message: string | undefined,
): NewWorkflowVersion {
  const withId: DraftDocument = { ...document, id };
  const result = validateWorkflow(withId, catalog);
  const stored: DraftDocument = result.ok ? result.document : withId;
  return {
    name: nonEmptyString(stored['name']) ?? UNTITLED,
    description: typeof stored['description'] === 'string' ? stored['description'] : '',
    document: stored,
    valid: result.ok,
    problems: result.problems,
    message: message ?? null,
  };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
