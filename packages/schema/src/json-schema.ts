import { z } from 'zod';
import { SCHEMA_VERSION, WorkflowDocument } from './workflow.js';

/** `$id` of the published workflow JSON Schema. */
export const WORKFLOW_SCHEMA_ID = `urn:flowcraft:schema:workflow:v${SCHEMA_VERSION}`;

/**
 * The workflow document as a JSON Schema (draft 2020-12), generated from the zod schema so the
 * two cannot drift. It describes the *input* form: fields with defaults are optional. Node
 * configs are open objects here; each node type validates its own config.
 * Written to `packages/schema/workflow.schema.json` by `pnpm schema:json`.
 */
export function workflowJsonSchema(): z.core.JSONSchema.JSONSchema {
  const { $schema, ...body } = z.toJSONSchema(WorkflowDocument, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema,
    $id: WORKFLOW_SCHEMA_ID,
    title: 'Flowcraft workflow document',
    description: `A workflow graph (nodes, edges, state channels, settings), schemaVersion ${SCHEMA_VERSION}. Shape only: node configs, ports, reachability and loops are checked by validateWorkflow.`,
    ...body,
  };
}

/** The JSON Schema as written to disk: pretty-printed with a trailing newline. */
export function workflowJsonSchemaText(): string {
  return `${JSON.stringify(workflowJsonSchema(), null, 2)}\n`;
}
