import type { Position } from '@flowcraft/schema';
import { addGroup, addNote, refitGroups, removeAnnotations } from '../model/annotation-ops.js';
import { copyFragment, moveNodes, removeElements } from '../model/document-ops.js';
import { pasteAt } from '../model/paste.js';
import { freeSpot } from '../model/free-spot.js';
import { canvasUi } from './canvas-ui.js';
import type { Fragment } from '../model/document-ops.js';
import { catalogStore, documentStore, toast } from '../stores/app-stores.js';
import { edgeLabel } from './flow-elements.js';
import { sizes } from './node-sizes.js';

/** Canvas commands shared by the toolbar and the keyboard shortcuts. */

let clipboard: Fragment | undefined;
let pasteCount = 0;

export function copySelection(): boolean {
  const s = documentStore.getState();
  if (s.selection.nodes.length === 0) return false;
  clipboard = copyFragment(s.doc, s.selection.nodes);
  pasteCount = 0;
  try {
    void navigator.clipboard?.writeText(JSON.stringify({ flowcraft: 'fragment', ...clipboard })).catch(() => undefined);
  } catch {
    // the in-page clipboard is enough
  }
  return true;
}

export function cutSelection(): void {
  if (copySelection()) deleteSelection();
}

/**
 * Paste at the pointer (when it is over the canvas), else next to the copied nodes; pasted nodes get
 * fresh ids and labels ("Writer 2").
 */
export function paste(at: Position | undefined = canvasUi.getState().pointer): void {
  if (!clipboard || clipboard.nodes.length === 0) return;
  const fragment = clipboard;
  pasteCount++;
  let ids: { nodes: string[]; edges: string[] } = { nodes: [], edges: [] };
  documentStore.getState().edit((doc) => {
    const r = at
      ? pasteAt(doc, fragment, at)
      : pasteAt(doc, fragment, {
          x: Math.min(...fragment.nodes.map((n) => n.position.x)) + 40 * pasteCount,
          y: Math.min(...fragment.nodes.map((n) => n.position.y)) + 40 * pasteCount,
        });
    ids = { nodes: r.nodeIds, edges: r.edgeIds };
    return r.doc;
  });
  documentStore.getState().select(ids);
}

const DEFAULT_SIZE = { width: 220, height: 90 };

/** A copy of the selection beside it, on the nearest spot where it covers no card (not at the pointer). */
export function duplicateSelection(): void {
  if (!copySelection() || !clipboard) return;
  const nodes = clipboard.nodes;
  const x0 = Math.min(...nodes.map((n) => n.position.x));
  const y0 = Math.min(...nodes.map((n) => n.position.y));
  const size = {
    width: Math.max(...nodes.map((n) => n.position.x + (sizes.get(n.id) ?? DEFAULT_SIZE).width)) - x0,
    height: Math.max(...nodes.map((n) => n.position.y + (sizes.get(n.id) ?? DEFAULT_SIZE).height)) - y0,
  };
  const doc = documentStore.getState().doc;
  paste(freeSpot(doc, { x: x0 + 40, y: y0 + 40 }, size, (id) => sizes.get(id) ?? DEFAULT_SIZE));
}

export function deleteSelection(): void {
  const s = documentStore.getState();
  const annotations = canvasUi.getState().annotations;
  if (s.selection.nodes.length === 0 && s.selection.edges.length === 0 && annotations.length === 0) return;
  s.edit((doc) => removeAnnotations(removeElements(doc, s.selection.nodes, s.selection.edges), annotations));
  documentStore.getState().select({ nodes: [], edges: [] });
  canvasUi.getState().set({ annotations: [] });
}

/** A sticky note at `at`, or the nearest spot clear of the cards. */
export function addStickyNote(at: Position): void {
  if (documentStore.getState().readOnlyVersion !== undefined) return;
  let id = '';
  documentStore.getState().edit((doc) => {
    const place = freeSpot(doc, at, { width: 240, height: 140 }, (n) => sizes.get(n) ?? { width: 220, height: 90 });
    const r = addNote(doc, place, 'Double-click to write a **Markdown** note.');
    id = r.id;
    return r.doc;
  });
  canvasUi.getState().set({ annotations: [id] });
}

/** A group framing the selected nodes. */
export function groupSelection(): void {
  const s = documentStore.getState();
  if (s.selection.nodes.length === 0 || s.readOnlyVersion !== undefined) {
    toast('info', 'Select the nodes to group first');
    return;
  }
  s.edit((doc) => addGroup(doc, s.selection.nodes, (id) => sizes.get(id) ?? { width: 220, height: 90 })?.doc ?? doc);
}

export function selectAll(): void {
  const { doc } = documentStore.getState();
  documentStore.getState().select({ nodes: doc.nodes.map((n) => n.id), edges: doc.edges.map((e) => e.id) });
}

/** Auto-layout (dagre, loaded on first use: it is not part of the initial page), then the view fits the result. */
export async function layoutAll(fitView?: () => void): Promise<void> {
  const { doc } = documentStore.getState();
  if (doc.nodes.length === 0 || documentStore.getState().readOnlyVersion !== undefined) return;
  const { autoLayout } = await import('../model/layout.js');
  if (documentStore.getState().doc !== doc) return;
  const catalog = catalogStore.getState().catalog;
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const positions = autoLayout(
    doc,
    (id) => sizes.get(id),
    (e) => edgeLabel(e, byId.get(e.source), catalog),
  );
  documentStore
    .getState()
    .edit((d) => refitGroups(moveNodes(d, positions), (id) => sizes.get(id) ?? { width: 220, height: 90 }));
  // Fit once React Flow has the new positions.
  if (fitView) requestAnimationFrame(() => requestAnimationFrame(fitView));
  toast('info', 'Arranged the graph left to right');
}
