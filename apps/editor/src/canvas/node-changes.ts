import type { EdgeChange, NodeChange } from '@xyflow/react';
import type { Position as XY } from '@flowcraft/schema';
import { moveAnnotations } from '../model/annotation-ops.js';
import { moveNodes } from '../model/document-ops.js';
import { documentStore } from '../stores/app-stores.js';
import { canvasUi } from './canvas-ui.js';
import type { Size } from './flow-elements.js';
import type { CanvasNode } from './flow-types.js';
import { sizes } from './node-sizes.js';

/**
 * Apply React Flow's node changes to the document: moves (one undo step per drag; a group's nodes move
 * with it), selection (cards in the document store, notes and groups in the canvas UI), measured card sizes.
 * Returns true when a card's measured size changed.
 */
export function applyNodeChanges(changes: NodeChange<CanvasNode>[]): boolean {
  const store = documentStore.getState();
  const { doc } = store;
  const annotationIds = new Set([...(doc.notes ?? []).map((n) => n.id), ...(doc.groups ?? []).map((g) => g.id)]);
  const moved = new Map<string, XY>();
  let dragging = false;
  let dragEnded = false;
  let sel: Set<string> | undefined;
  let annSel: Set<string> | undefined;
  let resized = false;
  for (const c of changes) {
    if (c.type === 'position') {
      if (c.position) moved.set(c.id, c.position);
      if (c.dragging) dragging = true;
      else dragEnded = true;
    } else if (c.type === 'select') {
      if (annotationIds.has(c.id)) {
        annSel ??= new Set(canvasUi.getState().annotations);
        if (c.selected) annSel.add(c.id);
        else annSel.delete(c.id);
        continue;
      }
      sel ??= new Set(store.selection.nodes);
      if (c.selected) sel.add(c.id);
      else sel.delete(c.id);
    } else if (c.type === 'dimensions' && c.dimensions && !annotationIds.has(c.id)) {
      const prev = sizes.get(c.id);
      if (!prev || prev.width !== c.dimensions.width || prev.height !== c.dimensions.height) {
        const size: Size = { width: c.dimensions.width, height: c.dimensions.height };
        sizes.set(c.id, size);
        resized = true;
      }
    }
  }
  if (moved.size > 0) {
    const apply = (d: typeof doc) => moveAnnotations(moveNodes(d, moved), moved);
    if (dragging) store.gestureEdit(apply);
    else store.edit(apply);
  }
  if (dragEnded) documentStore.getState().endGesture();
  if (sel) documentStore.getState().select({ nodes: [...sel], edges: documentStore.getState().selection.edges });
  if (annSel) canvasUi.getState().set({ annotations: [...annSel] });
  return resized;
}

export function applyEdgeChanges(changes: EdgeChange[]): void {
  const store = documentStore.getState();
  let sel: Set<string> | undefined;
  for (const c of changes) {
    if (c.type !== 'select') continue;
    sel ??= new Set(store.selection.edges);
    if (c.selected) sel.add(c.id);
    else sel.delete(c.id);
  }
  if (sel) store.select({ nodes: store.selection.nodes, edges: [...sel] });
}
