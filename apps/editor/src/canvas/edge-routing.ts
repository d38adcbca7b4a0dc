import type { InternalNode } from '@xyflow/react';
import type { WorkflowDocument } from '@flowcraft/schema';
import { placeEdges } from '../model/edge-geometry.js';
import type { EdgeInput, Point, Rect } from '../model/edge-geometry.js';
import type { Size } from './flow-elements.js';
import type { CanvasNode, FlowEdge } from './flow-types.js';

const DEFAULT_SIZE: Size = { width: 220, height: 90 };

type Lookup = (id: string) => InternalNode<CanvasNode> | undefined;

/** A port's point on the canvas: the measured handle on the card at its document position (the card's side if not measured yet). */
function portPoint(
  at: Point,
  size: Size,
  node: InternalNode<CanvasNode> | undefined,
  kind: 'source' | 'target',
  id?: string | null,
) {
  const handles = node?.internals.handleBounds?.[kind] ?? [];
  const h = (id ? handles.find((x) => x.id === id) : undefined) ?? handles[0];
  if (!h) return { x: at.x + (kind === 'source' ? size.width : 0), y: at.y + 22 };
  return { x: at.x + h.x + (kind === 'source' ? h.width : 0), y: at.y + h.y + h.height / 2 };
}

/** Give each edge its route (curve or loop lane) and a label place clear of cards and other labels. */
export function routeEdges(
  edges: FlowEdge[],
  doc: WorkflowDocument,
  sizes: ReadonlyMap<string, Size>,
  lookup: Lookup,
): FlowEdge[] {
  const cards = new Map<string, Rect>();
  for (const n of doc.nodes) {
    const s = sizes.get(n.id) ?? DEFAULT_SIZE;
    cards.set(n.id, { x: n.position.x, y: n.position.y, width: s.width, height: s.height });
  }
  const inputs: EdgeInput[] = [];
  for (const e of edges) {
    const s = cards.get(e.source);
    const t = cards.get(e.target);
    if (!s || !t) continue;
    inputs.push({
      id: e.id,
      source: e.source,
      target: e.target,
      from: portPoint(s, s, lookup(e.source), 'source', e.sourceHandle),
      to: portPoint(t, t, lookup(e.target), 'target', e.targetHandle),
      label: typeof e.label === 'string' ? e.label : undefined,
    });
  }
  const placed = placeEdges(inputs, cards);
  return edges.map((e) => {
    const p = placed.get(e.id);
    if (!p) return e;
    return {
      ...e,
      type: 'flow',
      data: {
        problems: e.data?.problems ?? false,
        back: p.back,
        ...(p.laneY !== undefined ? { laneY: p.laneY } : {}),
        ...(p.label ? { labelAt: p.label } : {}),
      },
    };
  });
}
