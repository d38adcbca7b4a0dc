import { z } from 'zod';
import { Problem } from '../problem.js';
import { JsonObject, ResourceId, Timestamp } from './common.js';

/** A stored document: any JSON object (drafts may be invalid); parse with `WorkflowDocument` to use it. */
export const StoredDocument = JsonObject;

/** A saved workflow in lists. */
export const WorkflowSummary = z.object({
  id: ResourceId,
  name: z.string(),
  description: z.string(),
  /** Latest version number (1 for a new workflow). */
  version: z.number().int().min(1),
  /** Whether the latest version passes validation (only valid versions can run). */
  valid: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type WorkflowSummary = z.infer<typeof WorkflowSummary>;

/** A saved workflow with its latest document and that document's problems. */
export const Workflow = WorkflowSummary.extend({ document: StoredDocument, problems: z.array(Problem) });
export type Workflow = z.infer<typeof Workflow>;

export const WorkflowVersionSummary = z.object({
  workflowId: ResourceId,
  version: z.number().int().min(1),
  name: z.string(),
  valid: z.boolean(),
  message: z.string().nullable(),
  createdAt: Timestamp,
});
export type WorkflowVersionSummary = z.infer<typeof WorkflowVersionSummary>;

/** One immutable saved version. */
export const WorkflowVersion = WorkflowVersionSummary.extend({ document: StoredDocument, problems: z.array(Problem) });
export type WorkflowVersion = z.infer<typeof WorkflowVersion>;
