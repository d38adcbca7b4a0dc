/** Builders for workflow documents in validator tests (not exported from the package). */
import type { z } from 'zod';
import type { WorkflowDocumentInput, WorkflowEdge, WorkflowNode } from '../workflow.js';

export type NodeInput = z.input<typeof WorkflowNode>;
export type EdgeInput = z.input<typeof WorkflowEdge>;

export function node(
  id: string,
  type: string,
  config: Record<string, unknown> = {},
  extra: Partial<NodeInput> = {},
): NodeInput {
  return { id, type, label: '', config, ...extra };
}

/** An edge with id `source->target` (plus `:handle` when a source handle is given). */
export function edge(source: string, target: string, sourceHandle?: string, extra: Partial<EdgeInput> = {}): EdgeInput {
  const id = sourceHandle ? `${source}:${sourceHandle}->${target}` : `${source}->${target}`;
  return sourceHandle ? { id, source, sourceHandle, target, ...extra } : { id, source, target, ...extra };
}

export function doc(parts: {
  nodes: NodeInput[];
  edges?: EdgeInput[];
  state?: WorkflowDocumentInput['state'];
}): WorkflowDocumentInput {
  return { id: 'wf', name: 'Test workflow', state: parts.state ?? {}, nodes: parts.nodes, edges: parts.edges ?? [] };
}

/** start -> a -> end, the smallest valid workflow around one step. */
export function linear(step: NodeInput = node('a', 'step')): WorkflowDocumentInput {
  return doc({
    nodes: [node('start', 'start'), step, node('end', 'end')],
    edges: [edge('start', step.id), edge(step.id, 'end')],
  });
}

/** The problems with `code`, for assertions. */
export function withCode<P extends { code: string }>(result: { problems: P[] }, code: P['code']): P[] {
  return result.problems.filter((p) => p.code === code);
}
