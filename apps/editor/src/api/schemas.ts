import { z } from 'zod';
import { ErrorInfo, NodeTypeDescription, Problem, TokenUsage, WorkflowDocument } from '@flowcraft/schema';

/**
 * The HTTP envelopes the editor reads. The shapes inside them (documents, problems, errors, token
 * usage, node types) are the shared schemas from `@flowcraft/schema`; only the envelopes are
 * described here, and loosely (extra fields are ignored) so engine additions do not break the editor.
 */

/** A stored document: any JSON object (drafts may be invalid); parse with `WorkflowDocument` to use it. */
export const StoredDocument = z.record(z.string(), z.unknown());

export const WorkflowSummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  version: z.number().int(),
  valid: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WorkflowSummary = z.infer<typeof WorkflowSummary>;

export const Workflow = WorkflowSummary.extend({ document: StoredDocument, problems: z.array(Problem) });
export type Workflow = z.infer<typeof Workflow>;

export const WorkflowVersionSummary = z.object({
  workflowId: z.string(),
  version: z.number().int(),
  name: z.string(),
  valid: z.boolean(),
  message: z.string().nullable(),
  createdAt: z.string(),
});
export type WorkflowVersionSummary = z.infer<typeof WorkflowVersionSummary>;

export const WorkflowVersion = WorkflowVersionSummary.extend({ document: StoredDocument, problems: z.array(Problem) });
export type WorkflowVersion = z.infer<typeof WorkflowVersion>;

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

export const RunStatus = z.enum(['queued', 'running', 'interrupted', 'completed', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

export const PendingInterrupt = z.object({ id: z.string(), nodeId: z.string().optional(), value: z.unknown() });
export type PendingInterrupt = z.infer<typeof PendingInterrupt>;

export const Run = z.object({
  id: z.string(),
  threadId: z.string(),
  workflowId: z.string(),
  workflowVersion: z.number().int(),
  status: RunStatus,
  input: z.record(z.string(), z.unknown()),
  output: z.record(z.string(), z.unknown()).nullable(),
  error: ErrorInfo.nullable(),
  interrupts: z.array(PendingInterrupt),
  tokens: TokenUsage,
  lastSeq: z.number().int(),
  /** Set while a debug run is paused at a breakpoint or after a step. */
  paused: z
    .object({ next: z.array(z.string()), checkpointId: z.string() })
    .nullable()
    .optional(),
  forkedFrom: z.object({ threadId: z.string(), checkpointId: z.string() }).nullable().optional(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Run = z.infer<typeof Run>;

export const RunHandle = z.object({ runId: z.string(), threadId: z.string() });
export type RunHandle = z.infer<typeof RunHandle>;

/** Parse a stored document; `undefined` when its shape is not a workflow document. */
export function parseDocument(raw: unknown): WorkflowDocument | undefined {
  const parsed = WorkflowDocument.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
