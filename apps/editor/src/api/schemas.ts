import { z } from 'zod';
import { NodeTypeDescription, Problem, StoredDocument, WorkflowDocument } from '@flowcraft/schema';

/**
 * The HTTP envelopes the editor reads. The shapes inside them (documents, problems, errors, token
 * usage, node types) are the shared schemas from `@flowcraft/schema`; only the envelopes are
 * described here, and loosely (extra fields are ignored) so engine additions do not break the editor.
 */

// The wire types are the engine's own, from `@flowcraft/schema` (zod objects ignore extra fields).
export {
  PendingInterrupt,
  Run,
  RunHandle,
  RunStatus,
  StoredDocument,
  Workflow,
  WorkflowSummary,
  WorkflowVersion,
  WorkflowVersionSummary,
} from '@flowcraft/schema';

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const ValidationReport = z.object({ ok: z.boolean(), problems: z.array(Problem) });
export type ValidationReport = z.infer<typeof ValidationReport>;

export const NodeTypeList = z.object({ items: z.array(NodeTypeDescription) });

export const Template = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().default(''),
  labels: z.array(z.string()).default([]),
  document: StoredDocument,
});
export type Template = z.infer<typeof Template>;
export const TemplateList = z.object({ items: z.array(Template) });

/** Parse a stored document; `undefined` when its shape is not a workflow document. */
export function parseDocument(raw: unknown): WorkflowDocument | undefined {
  const parsed = WorkflowDocument.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
