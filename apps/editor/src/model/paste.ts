import type { Position, WorkflowDocument } from '@flowcraft/schema';
import { pasteFragment } from './document-ops.js';
import type { Fragment } from './document-ops.js';

/** `label` if unused, else `label 2`, `label 3`… (a trailing number is counted on from). */
export function freshLabel(label: string, taken: ReadonlySet<string>): string {
  if (!taken.has(label)) return label;
  const m = /^(.*?)\s+(\d+)$/.exec(label);
  const base = m ? m[1]! : label;
  for (let n = m ? Number(m[2]) + 1 : 2; ; n++) {
    const next = `${base} ${n}`;
    if (!taken.has(next)) return next;
  }
}

/** Top-left corner of the fragment's nodes. */
function origin(fragment: Fragment): Position {
  return {
    x: Math.min(...fragment.nodes.map((n) => n.position.x)),
    y: Math.min(...fragment.nodes.map((n) => n.position.y)),
  };
}

/**
 * Paste a fragment with its top-left node corner at `at` (the pointer), under fresh ids and with fresh
 * labels ("Writer" → "Writer 2"), so the copy can be told apart on the canvas and in the trace.
 */
export function pasteAt(
  doc: WorkflowDocument,
  fragment: Fragment,
  at: Position,
): { doc: WorkflowDocument; nodeIds: string[]; edgeIds: string[] } {
  if (fragment.nodes.length === 0) return { doc, nodeIds: [], edgeIds: [] };
  const o = origin(fragment);
  const pasted = pasteFragment(doc, fragment, { x: Math.round(at.x - o.x), y: Math.round(at.y - o.y) });
  const labels = new Set(doc.nodes.map((n) => n.label));
  const fresh = new Set(pasted.nodeIds);
  const nodes = pasted.doc.nodes.map((n) => {
    if (!fresh.has(n.id) || !n.label) return n;
    const label = freshLabel(n.label, labels);
    labels.add(label);
    return label === n.label ? n : { ...n, label };
  });
  return { ...pasted, doc: { ...pasted.doc, nodes } };
}
