import { z } from '@hono/zod-openapi';
import {
  Workflow as WireWorkflow,
  WorkflowSummary as WireWorkflowSummary,
  WorkflowVersion as WireWorkflowVersion,
  WorkflowVersionSummary as WireWorkflowVersionSummary,
} from '@flowcraft/schema';
import { INT32_MAX, Id, JsonObject, PageQuery, ProblemRef, named, page } from './common.js';

/**
 * A workflow document as sent by a client: any JSON object. It is validated, and saved even when
 * invalid (a draft that cannot run); see `WorkflowDocument` for the shape a valid one has.
 */
export const DraftDocument = JsonObject.openapi('DraftDocument', {
  description: 'A workflow document (see the WorkflowDocument schema). Invalid documents are kept as drafts.',
});
export type DraftDocument = z.infer<typeof DraftDocument>;

export const WorkflowIdParams = z.object({ workflowId: Id });
export const WorkflowVersionParams = z.object({
  workflowId: Id,
  version: z.coerce.number().int().min(1).max(INT32_MAX).openapi({ example: 3 }),
});

export const CreateWorkflowBody = z
  .object({
    document: DraftDocument,
    message: z.string().max(500).optional().openapi({ description: 'A note stored with the first version.' }),
  })
  .strict()
  .openapi('CreateWorkflowBody');
export type CreateWorkflowBody = z.infer<typeof CreateWorkflowBody>;

export const UpdateWorkflowBody = z
  .object({
    document: DraftDocument,
    message: z.string().max(500).optional(),
    expectedVersion: z
      .number()
      .int()
      .min(1)
      .max(INT32_MAX)
      .optional()
      .openapi({ description: 'Refuse the save (409 conflict) unless this is still the latest version.' }),
  })
  .strict()
  .openapi('UpdateWorkflowBody');
export type UpdateWorkflowBody = z.infer<typeof UpdateWorkflowBody>;

export const ListWorkflowsQuery = PageQuery.extend({
  q: z.string().max(200).optional().openapi({ description: 'Case-insensitive search in name and description.' }),
});
export type ListWorkflowsQuery = z.infer<typeof ListWorkflowsQuery>;

export const ImportMode = z.enum(['fail', 'copy', 'version']);
export const ImportWorkflowQuery = z.object({
  onConflict: ImportMode.default('fail').openapi({
    description:
      'When the document id is taken: `fail` (409), `copy` (save under a new id) or `version` (save as a new version).',
  }),
});

export const ExportWorkflowQuery = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .max(INT32_MAX)
    .optional()
    .openapi({ description: 'Default: the latest version.' }),
});

export const WorkflowSummary = named(WireWorkflowSummary, 'WorkflowSummary');
export type WorkflowSummary = WireWorkflowSummary;

export const Workflow = named(WireWorkflow, 'Workflow');
export type Workflow = WireWorkflow;

export const WorkflowVersionSummary = named(WireWorkflowVersionSummary, 'WorkflowVersionSummary');
export type WorkflowVersionSummary = WireWorkflowVersionSummary;

export const WorkflowVersion = named(WireWorkflowVersion, 'WorkflowVersion');
export type WorkflowVersion = WireWorkflowVersion;

export const WorkflowPage = page(WorkflowSummary).openapi('WorkflowPage');
export const WorkflowVersionPage = page(WorkflowVersionSummary).openapi('WorkflowVersionPage');

export const ValidationReport = z
  .object({
    ok: z.boolean(),
    problems: z.array(ProblemRef),
    /** The parsed document (defaults applied, configs migrated) when its shape is valid. */
    document: DraftDocument.optional(),
  })
  .openapi('ValidationReport');
export type ValidationReport = z.infer<typeof ValidationReport>;
