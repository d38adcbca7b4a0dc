import type { NodeTypeDescription, Position, WorkflowDocument, WorkflowEdge, WorkflowNode } from '@flowcraft/schema';
import { freshId } from './ids.js';
import {
  autoDeclareForNewNode,
  dropOrphanChannels,
  followLabel,
  isAutoName,
  namesInUse,
  uniqueName,
} from './auto-channels.js';
import { OUTPUT_FIELD } from './channel-fields.js';

/** Pure edits of a workflow document; each returns a new document and never mutates its input. */

export function takenNames(doc: WorkflowDocument): Set<string> {
  return new Set([...doc.nodes.map((n) => n.id), ...Object.keys(doc.state)]);
}

export function addNode(
  doc: WorkflowDocument,
  type: NodeTypeDescription,
  position: Position,
): { doc: WorkflowDocument; id: string } {
  const id = freshId(type.type, takenNames(doc));
  const node: WorkflowNode = {
    id,
    type: type.type,
    typeVersion: type.version,
    label: type.title,
    position: { x: Math.round(position.x), y: Math.round(position.y) },
    config: structuredClone(type.defaults),
  };
  return { doc: autoDeclareForNewNode({ ...doc, nodes: [...doc.nodes, node] }, id, type), id };
}

export function updateNode(
  doc: WorkflowDocument,
  id: string,
  change: (node: WorkflowNode) => WorkflowNode,
): WorkflowDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    if (n.id !== id) return n;
    changed = true;
    return change(n);
  });
  return changed ? { ...doc, nodes } : doc;
}

export function setNodeConfig(doc: WorkflowDocument, id: string, config: Record<string, unknown>): WorkflowDocument {
  return updateNode(doc, id, (n) => ({ ...n, config }));
}

/** A new label; the node's automatic output channel follows it (see `followLabel`). */
export function setNodeLabel(doc: WorkflowDocument, id: string, label: string): WorkflowDocument {
  const old = doc.nodes.find((n) => n.id === id)?.label;
  const next = updateNode(doc, id, (n) => ({ ...n, label }));
  return old === undefined || next === doc ? next : followLabel(next, id, old, label);
}

export function moveNodes(doc: WorkflowDocument, positions: ReadonlyMap<string, Position>): WorkflowDocument {
  if (positions.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const p = positions.get(n.id);
      return p && (p.x !== n.position.x || p.y !== n.position.y)
        ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } }
        : n;
    }),
  };
}

/** Remove nodes (with every edge touching them) and edges. */
export function removeElements(
  doc: WorkflowDocument,
  nodeIds: readonly string[],
  edgeIds: readonly string[],
): WorkflowDocument {
  if (nodeIds.length === 0 && edgeIds.length === 0) return doc;
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  const after = {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodes.has(n.id)),
    edges: doc.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target)),
  };
  return nodes.size === 0 ? after : dropOrphanChannels(doc, after);
}

export interface NewConnection {
  source: string;
  sourceHandle: string | null;
  target: string;
  targetHandle: string | null;
}

export function addEdge(
  doc: WorkflowDocument,
  c: NewConnection,
  label?: string,
): { doc: WorkflowDocument; id: string } {
  const id = freshId('e', new Set(doc.edges.map((e) => e.id)), '');
  const edge: WorkflowEdge = { id, source: c.source, target: c.target };
  if (c.sourceHandle) edge.sourceHandle = c.sourceHandle;
  if (c.targetHandle) edge.targetHandle = c.targetHandle;
  if (label) edge.label = label;
  return { doc: { ...doc, edges: [...doc.edges, edge] }, id };
}

/** A copied part of a document: the nodes and the edges between them. */
export interface Fragment {
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

export function copyFragment(doc: WorkflowDocument, nodeIds: readonly string[]): Fragment {
  const ids = new Set(nodeIds);
  return structuredClone({
    nodes: doc.nodes.filter((n) => ids.has(n.id)),
    edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  });
}

/** Paste a fragment under fresh ids, shifted by `offset`; returns the new node and edge ids. */
export function pasteFragment(
  doc: WorkflowDocument,
  fragment: Fragment,
  offset: Position,
): { doc: WorkflowDocument; nodeIds: string[]; edgeIds: string[] } {
  const taken = takenNames(doc);
  const edgeTaken = new Set(doc.edges.map((e) => e.id));
  const rename = new Map<string, string>();
  const channelNames = namesInUse(doc);
  const state = { ...doc.state };
  const nodes = fragment.nodes.map((n) => {
    const id = freshId(n.type, taken);
    taken.add(id);
    channelNames.add(id);
    rename.set(n.id, id);
    const copy = { ...structuredClone(n), id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
    // A pasted node gets an automatic output channel of its own (two writers of one channel would race).
    const out = copy.config[OUTPUT_FIELD];
    const declared = typeof out === 'string' ? doc.state[out] : undefined;
    if (typeof out === 'string' && declared && isAutoName(out, n.label)) {
      const name = uniqueName(out.replace(/_\d+$/, ''), channelNames);
      channelNames.add(name);
      state[name] = declared;
      copy.config = { ...copy.config, [OUTPUT_FIELD]: name };
    }
    return copy;
  });
  const edges: WorkflowEdge[] = [];
  for (const e of fragment.edges) {
    const source = rename.get(e.source);
    const target = rename.get(e.target);
    if (!source || !target) continue;
    const id = freshId('e', edgeTaken, '');
    edgeTaken.add(id);
    edges.push({ ...structuredClone(e), id, source, target });
  }
  return {
    doc: { ...doc, state, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] },
    nodeIds: nodes.map((n) => n.id),
    edgeIds: edges.map((e) => e.id),
  };
}
