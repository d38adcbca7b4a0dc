import dagre from '@dagrejs/dagre';
import type { Position, WorkflowDocument, WorkflowEdge } from '@flowcraft/schema';
import { LABEL_HEIGHT, labelWidth } from './edge-geometry.js';

export interface Size {
  width: number;
  height: number;
}

const DEFAULT_SIZE: Size = { width: 220, height: 90 };

/**
 * Left-to-right layered layout (dagre) with the cards' measured sizes; labelled edges get room for their
 * label between the ranks. Returns each node's new top-left position.
 */
export function autoLayout(
  doc: WorkflowDocument,
  sizeOf: (id: string) => Size | undefined,
  labelOf: (edge: WorkflowEdge) => string | undefined = (e) => e.label,
): Map<string, Position> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 56, ranksep: 110, edgesep: 24, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of doc.nodes) {
    const size = sizeOf(n.id) ?? DEFAULT_SIZE;
    g.setNode(n.id, { width: size.width, height: size.height });
  }
  for (const e of doc.edges) {
    if (!g.hasNode(e.source) || !g.hasNode(e.target)) continue;
    const label = labelOf(e);
    const room = label ? { width: labelWidth(label) + 16, height: LABEL_HEIGHT + 8, labelpos: 'c' } : {};
    g.setEdge(e.source, e.target, room, e.id);
  }
  dagre.layout(g);
  const out = new Map<string, Position>();
  for (const n of doc.nodes) {
    const placed = g.node(n.id);
    const size = sizeOf(n.id) ?? DEFAULT_SIZE;
    if (placed) out.set(n.id, { x: Math.round(placed.x - size.width / 2), y: Math.round(placed.y - size.height / 2) });
  }
  return out;
}
