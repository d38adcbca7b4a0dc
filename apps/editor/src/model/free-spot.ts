import type { Position, WorkflowDocument } from '@flowcraft/schema';

interface Size {
  width: number;
  height: number;
}

const GAP = 24;

/**
 * The point nearest `at` (trying below, right, above, left in growing rings) where a card of `size`
 * overlaps no card of the document: where a node added "at the middle of the view" goes.
 */
export function freeSpot(doc: WorkflowDocument, at: Position, size: Size, sizeOf: (id: string) => Size): Position {
  const boxes = doc.nodes.map((n) => ({ ...n.position, ...sizeOf(n.id) }));
  const clear = (p: Position) =>
    !boxes.some(
      (b) =>
        p.x < b.x + b.width + GAP &&
        b.x < p.x + size.width + GAP &&
        p.y < b.y + b.height + GAP &&
        b.y < p.y + size.height + GAP,
    );
  if (clear(at)) return at;
  const stepY = size.height + GAP;
  const stepX = size.width + GAP;
  for (let ring = 1; ring < 40; ring++)
    for (const [dx, dy] of [
      [0, ring],
      [ring, 0],
      [0, -ring],
      [-ring, 0],
      [ring, ring],
      [-ring, ring],
      [ring, -ring],
      [-ring, -ring],
    ] as const) {
      const p = { x: at.x + dx * stepX, y: at.y + dy * stepY };
      if (clear(p)) return p;
    }
  return at;
}
