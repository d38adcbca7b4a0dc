import type { PortSpec, WorkflowDocument } from '@flowcraft/schema';
import type { DescriptionCatalog } from './node-catalog.js';
import type { NewConnection } from './document-ops.js';

function compatible(a: PortSpec, b: PortSpec): boolean {
  if (!a.dataType || !b.dataType || a.dataType === 'any' || b.dataType === 'any') return true;
  return a.dataType === b.dataType;
}

/**
 * Why a connection may not be made, or `undefined` when it may. Checked while the user drags
 * (React Flow's `isValidConnection`) and again when it is dropped.
 */
export function connectionProblem(
  doc: WorkflowDocument,
  catalog: DescriptionCatalog,
  c: NewConnection,
): string | undefined {
  const source = doc.nodes.find((n) => n.id === c.source);
  const target = doc.nodes.find((n) => n.id === c.target);
  if (!source || !target) return 'Both ends must be nodes';
  if (source.id === target.id) return 'A node cannot connect to itself';
  const sourceType = catalog.describe(source.type);
  const targetType = catalog.describe(target.type);
  if (targetType?.role === 'start') return 'The start node takes no incoming edges';
  if (sourceType?.role === 'end') return 'An end node has no outgoing edges';
  const outputs = catalog.ports(source.type, source.config).outputs;
  const inputs = catalog.ports(target.type, target.config).inputs;
  const out = c.sourceHandle ? outputs.find((p) => p.id === c.sourceHandle) : outputs[0];
  if (!out) return `${source.label || source.id} has no output "${c.sourceHandle ?? ''}"`;
  const input = c.targetHandle ? inputs.find((p) => p.id === c.targetHandle) : inputs[0];
  if (!input) return `${target.label || target.id} takes no input here`;
  if (!compatible(out, input)) return `Port types differ: ${out.dataType ?? 'any'} → ${input.dataType ?? 'any'}`;
  const fromPort = (e: { sourceHandle?: string | null | undefined }) => (e.sourceHandle ?? outputs[0]?.id) === out.id;
  const leaving = doc.edges.filter((e) => e.source === source.id && fromPort(e));
  if (leaving.some((e) => e.target === target.id)) return 'These ports are already connected';
  if (out.multiple !== true && leaving.length > 0) return `Output "${out.label ?? out.id}" takes only one edge`;
  return undefined;
}
