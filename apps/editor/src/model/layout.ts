import dagre from '@dagrejs/dagre';
import type { Position, WorkflowDocument } from '@flowcraft/schema';

export interface Size {
  width: number;
  height: number;
}

const DEFAULT_SIZE: Size = { width: 220, height: 90 };

/** Left-to-right layered layout (dagre); returns each node's new top-left position. */
export function autoLayout(doc: WorkflowDocument, sizeOf: (id: string) => Size | undefined): Map<string, Position> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of doc.nodes) {
    const size = sizeOf(n.id) ?? DEFAULT_SIZE;
    g.setNode(n.id, { width: size.width, height: size.height });
  }
  for (const e of doc.edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out = new Map<string, Position>();
  for (const n of doc.nodes) {
    const placed = g.node(n.id);
    const size = sizeOf(n.id) ?? DEFAULT_SIZE;
    if (placed) out.set(n.id, { x: Math.round(placed.x - size.width / 2), y: Math.round(placed.y - size.height / 2) });
  }
  return out;
}
