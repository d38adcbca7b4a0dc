import { ERROR_PORT } from '@flowcraft/schema';
import type { WorkflowDocument } from '@flowcraft/schema';

/**
 * The nodes that run after `nodeId`: the targets a routing node chose (`next` holds node ids or
 * port ids), else every target of its non-error edges.
 */
export function successorsIn(doc: WorkflowDocument, nodeId: string, next: readonly string[] | undefined): string[] {
  const out = doc.edges.filter((e) => e.source === nodeId);
  if (next && next.length > 0) {
    const chosen = new Set(next);
    return [
      ...new Set(
        out
          .filter((e) => chosen.has(e.target) || (e.sourceHandle != null && chosen.has(e.sourceHandle)))
          .map((e) => e.target),
      ),
    ];
  }
  return [...new Set(out.filter((e) => e.sourceHandle !== ERROR_PORT).map((e) => e.target))];
}
