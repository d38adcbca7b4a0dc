import { copyFragment, moveNodes, pasteFragment, removeElements } from '../model/document-ops.js';
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

export function paste(): void {
  if (!clipboard || clipboard.nodes.length === 0) return;
  const fragment = clipboard;
  pasteCount++;
  let ids: { nodes: string[]; edges: string[] } = { nodes: [], edges: [] };
  documentStore.getState().edit((doc) => {
    const r = pasteFragment(doc, fragment, { x: 40 * pasteCount, y: 40 * pasteCount });
    ids = { nodes: r.nodeIds, edges: r.edgeIds };
    return r.doc;
  });
  documentStore.getState().select(ids);
}

export function duplicateSelection(): void {
  if (copySelection()) paste();
}

export function deleteSelection(): void {
  const s = documentStore.getState();
  if (s.selection.nodes.length === 0 && s.selection.edges.length === 0) return;
  s.edit((doc) => removeElements(doc, s.selection.nodes, s.selection.edges));
  documentStore.getState().select({ nodes: [], edges: [] });
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
  documentStore.getState().edit((d) => moveNodes(d, positions));
  // Fit once React Flow has the new positions.
  if (fitView) requestAnimationFrame(() => requestAnimationFrame(fitView));
  toast('info', 'Arranged the graph left to right');
}
