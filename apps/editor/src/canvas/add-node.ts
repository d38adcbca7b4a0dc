import type { ReactFlowInstance } from '@xyflow/react';
import type { NodeTypeDescription, Position } from '@flowcraft/schema';
import { connectionProblem } from '../model/connection-rules.js';
import { addEdge, addNode } from '../model/document-ops.js';
import type { NewConnection } from '../model/document-ops.js';
import { catalogStore, documentStore, toast, uiStore } from '../stores/app-stores.js';
import type { FlowNode } from './flow-types.js';
import { freeSpot } from '../model/free-spot.js';
import { sizes } from './node-sizes.js';

const DEFAULT_CARD = { width: 220, height: 110 };

/** Where a connection was dragged from: a node's output (source) or input (target) port. */
export interface DragOrigin {
  nodeId: string;
  handleId: string | null;
  handleType: 'source' | 'target';
}

/**
 * Add a node of `type` at a canvas position and select it; returns its id. `avoidCards`: move it to the
 * nearest spot clear of other cards (a node added at the middle of the view, not dropped at the pointer).
 */
export function addNodeOfType(type: string, at: Position, opts: { avoidCards?: boolean } = {}): string | undefined {
  const desc = catalogStore.getState().catalog?.describe(type);
  if (!desc || documentStore.getState().readOnlyVersion !== undefined) return undefined;
  let id = '';
  documentStore.getState().edit((doc) => {
    const place = opts.avoidCards ? freeSpot(doc, at, DEFAULT_CARD, (n) => sizes.get(n) ?? DEFAULT_CARD) : at;
    const r = addNode(doc, desc, place);
    id = r.id;
    return r.doc;
  });
  if (id) {
    documentStore.getState().select({ nodes: [id], edges: [] });
    uiStore.getState().setTab('inspector');
  }
  return id || undefined;
}

/** The canvas point at the middle of the visible canvas. */
export function viewportCenter(rf: ReactFlowInstance<FlowNode>): Position {
  const box = document.querySelector('.canvas')?.getBoundingClientRect();
  return rf.screenToFlowPosition({
    x: (box?.left ?? 0) + (box?.width ?? 600) / 2,
    y: (box?.top ?? 0) + (box?.height ?? 400) / 2,
  });
}

function connectionTo(origin: DragOrigin, newId: string): NewConnection {
  return origin.handleType === 'source'
    ? { source: origin.nodeId, sourceHandle: origin.handleId, target: newId, targetHandle: null }
    : { source: newId, sourceHandle: null, target: origin.nodeId, targetHandle: origin.handleId };
}

/** Node types a connection dragged from `origin` could end on (checked by the same rules as a drag onto a port). */
export function compatibleTypes(origin: DragOrigin): NodeTypeDescription[] {
  const catalog = catalogStore.getState().catalog;
  if (!catalog) return [];
  const doc = documentStore.getState().doc;
  return catalog.descriptions.filter((t) => {
    const trial = addNode(doc, t, { x: 0, y: 0 });
    return connectionProblem(trial.doc, catalog, connectionTo(origin, trial.id)) === undefined;
  });
}

/** Add a node of `type` at `at` and connect it to the port the drag started from (one undo step). */
export function addConnectedNode(type: string, origin: DragOrigin, at: Position): string | undefined {
  const catalog = catalogStore.getState().catalog;
  const desc = catalog?.describe(type);
  if (!catalog || !desc) return undefined;
  let id = '';
  let problem: string | undefined;
  documentStore.getState().edit((doc) => {
    const added = addNode(doc, desc, at);
    const conn = connectionTo(origin, added.id);
    problem = connectionProblem(added.doc, catalog, conn);
    if (problem) return doc;
    id = added.id;
    return addEdge(added.doc, conn).doc;
  });
  if (problem) {
    toast('error', `Connection refused: ${problem}`);
    return undefined;
  }
  documentStore.getState().select({ nodes: [id], edges: [] });
  uiStore.getState().setTab('inspector');
  return id;
}
