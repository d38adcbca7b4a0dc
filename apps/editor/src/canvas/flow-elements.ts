import { ERROR_PORT } from '@flowcraft/schema';
import type { WorkflowDocument, WorkflowEdge, WorkflowNode } from '@flowcraft/schema';
import type { DescriptionCatalog } from '../model/node-catalog.js';
import type { ProblemIndex } from '../model/problem-index.js';
import type { FlowEdge, FlowNode } from './flow-types.js';

export interface Size {
  width: number;
  height: number;
}

/**
 * React Flow nodes from the document, reusing the previous object when nothing about a node
 * changed (so React Flow and the memoised cards skip it: this keeps 500-node canvases fluid).
 */
export class NodeCache {
  private readonly cache = new Map<
    string,
    { source: WorkflowNode; selected: boolean; size: Size | undefined; readOnly: boolean; out: FlowNode }
  >();

  build(
    nodes: readonly WorkflowNode[],
    selected: ReadonlySet<string>,
    sizes: ReadonlyMap<string, Size>,
    readOnly: boolean,
  ): FlowNode[] {
    const seen = new Set<string>();
    const out = nodes.map((n) => {
      seen.add(n.id);
      const isSelected = selected.has(n.id);
      const size = sizes.get(n.id);
      const hit = this.cache.get(n.id);
      if (hit && hit.source === n && hit.selected === isSelected && hit.size === size && hit.readOnly === readOnly)
        return hit.out;
      const node: FlowNode = {
        id: n.id,
        type: 'flow',
        position: n.position,
        data: { node: n },
        selected: isSelected,
        draggable: !readOnly,
        connectable: !readOnly,
      };
      if (size) node.measured = size;
      this.cache.set(n.id, { source: n, selected: isSelected, size, readOnly, out: node });
      return node;
    });
    for (const id of [...this.cache.keys()]) if (!seen.has(id)) this.cache.delete(id);
    return out;
  }
}

/**
 * An edge's label: its own, else its port's name when the source chooses between outputs (a router's
 * routes) or the edge leaves by the error port — not "next" on every edge of a node that can fail.
 */
export function edgeLabel(
  edge: WorkflowEdge,
  source: WorkflowNode | undefined,
  catalog: DescriptionCatalog | undefined,
): string | undefined {
  if (edge.label) return edge.label;
  const ports = source && catalog ? catalog.ports(source.type, source.config).outputs : [];
  const port = edge.sourceHandle ? ports.find((p) => p.id === edge.sourceHandle) : undefined;
  if (!port) return undefined;
  const choices = ports.filter((p) => p.id !== ERROR_PORT).length;
  return port.id === ERROR_PORT || choices > 1 ? (port.label ?? port.id) : undefined;
}

export function buildEdges(
  doc: WorkflowDocument,
  catalog: DescriptionCatalog | undefined,
  selected: ReadonlySet<string>,
  problems: ProblemIndex,
  taken: ReadonlySet<string>,
): FlowEdge[] {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  return doc.edges.map((e) => {
    const label = edgeLabel(e, byId.get(e.source), catalog);
    const bad = problems.byEdge.has(e.id);
    const edge: FlowEdge = {
      id: e.id,
      type: 'flow',
      source: e.source,
      target: e.target,
      selected: selected.has(e.id),
      className: `${bad ? 'edge-problem' : ''}${taken.has(e.id) ? ' edge-taken' : ''}${e.sourceHandle === 'error' ? ' edge-error' : ''}`,
      data: { problems: bad },
    };
    if (e.sourceHandle) edge.sourceHandle = e.sourceHandle;
    if (e.targetHandle) edge.targetHandle = e.targetHandle;
    if (label) edge.label = label;
    return edge;
  });
}
