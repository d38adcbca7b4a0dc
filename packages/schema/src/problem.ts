import { z } from 'zod';

/** Stable codes for workflow-document problems (validation and compilation). */
export const ProblemCode = z.enum([
  'schema', // shape does not match the document schema
  'duplicate_node_id',
  'duplicate_edge_id',
  'dangling_edge', // edge source/target is not a node
  'unknown_node_type',
  'unsupported_type_version', // typeVersion newer than the registered type
  'invalid_config', // config rejected by the node type's schema (incl. unknown fields)
  'unknown_port', // edge handle is not a port of the node
  'unconnected_port', // a router/branch output with no edge
  'too_many_edges', // several edges leave an output port that allows one
  'missing_start',
  'multiple_starts',
  'missing_end',
  'start_has_incoming', // an edge enters the start node
  'end_has_outgoing', // an edge leaves an end node
  'unreachable_node',
  'dead_end', // a node that cannot reach an end
  'unknown_channel', // config reads/writes a channel not declared in state
  'concurrent_write', // parallel branches write a replace channel
  'unbounded_loop', // a cycle with no exit branch
  'reserved_name',
  'invalid_channel_default',
  'invalid_reducer', // channel reducer does not fit its type (sum needs number, ...)
  'catalog_error', // a node type's checkConfig/ports/channels threw or returned malformed data
  'compile_error',
  'subworkflow_missing', // a subworkflow node calls a workflow (or version) that does not exist
  'subworkflow_cycle', // workflows calling each other (A → B → A)
  'subworkflow_invalid', // the called workflow has problems of its own
  'invalid_model', // a model spec that is not provider:model or tier:<name>, an unknown tier or provider
]);
export type ProblemCode = z.infer<typeof ProblemCode>;

export const Problem = z.object({
  /** JSON path into the document, e.g. ["nodes", 3, "config", "routes", 0]. */
  path: z.array(z.union([z.string(), z.number()])),
  code: ProblemCode,
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  severity: z.enum(['error', 'warning']).default('error'),
});
export type Problem = z.infer<typeof Problem>;
export type ProblemInput = z.input<typeof Problem>;
