import type { Page } from 'playwright-core';

/** A box on the screen (CSS pixels). */
export interface Box {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface CanvasGeometry {
  nodes: Box[];
  labels: Box[];
  /** Per edge: the cards (other than its own ends) its drawn path passes behind. */
  edgesBehindCards: { id: string; back: boolean; cards: string[] }[];
}

/** Read what the canvas shows: card boxes, edge-label boxes, and which cards each edge path runs behind. */
export function canvasGeometry(page: Page): Promise<CanvasGeometry> {
  return page.evaluate(() => {
    // (no named helpers in here: the test runner's transform would wrap them in a `__name` the page lacks)
    const nodes = Array.from(document.querySelectorAll<HTMLElement>('.react-flow__node-flow')).map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.dataset.id ?? '', x: r.left, y: r.top, w: r.width, h: r.height };
    });
    const labels = Array.from(document.querySelectorAll<HTMLElement>('[data-testid=edge-label]')).map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.dataset.edgeId ?? '', x: r.left, y: r.top, w: r.width, h: r.height };
    });
    const edgesBehindCards = Array.from(document.querySelectorAll<SVGGElement>('[data-edge-route]')).map((g) => {
      const path = g.querySelector('path.react-flow__edge-path') as SVGPathElement | null;
      const id = g.dataset.edgeRoute ?? '';
      const ends = new Set([g.dataset.source, g.dataset.target]);
      const hit = new Set<string>();
      const m = path?.getScreenCTM();
      if (path && m) {
        const len = path.getTotalLength();
        for (let d = 0; d <= len; d += 6) {
          const p = new DOMPoint(path.getPointAtLength(d).x, path.getPointAtLength(d).y).matrixTransform(m);
          for (const n of nodes)
            if (!ends.has(n.id) && p.x > n.x + 2 && p.x < n.x + n.w - 2 && p.y > n.y + 2 && p.y < n.y + n.h - 2)
              hit.add(n.id);
        }
      }
      return { id, back: g.dataset.back === 'true', cards: [...hit] };
    });
    return { nodes, labels, edgesBehindCards };
  });
}

const overlaps = (a: Box, b: Box, gap = 0) =>
  a.x < b.x + b.w + gap && b.x < a.x + a.w + gap && a.y < b.y + b.h + gap && b.y < a.y + a.h + gap;

/** Every pair of boxes that overlap, as "a × b". */
export function collisions(a: Box[], b: Box[] = a, gap = 0): string[] {
  const out: string[] = [];
  for (let i = 0; i < a.length; i++)
    for (let j = a === b ? i + 1 : 0; j < b.length; j++) {
      const x = a[i]!;
      const y = b[j]!;
      if (overlaps(x, y, gap)) out.push(`${x.id} × ${y.id}`);
    }
  return out;
}

/** Everything wrong with a canvas's readability: overlapping cards, labels on cards or on labels, loops behind cards. */
export function readabilityProblems(g: CanvasGeometry): string[] {
  return [
    ...collisions(g.nodes).map((c) => `cards overlap: ${c}`),
    ...collisions(g.labels).map((c) => `labels overlap: ${c}`),
    ...collisions(g.labels, g.nodes).map((c) => `label on a card: ${c}`),
    ...g.edgesBehindCards.filter((e) => e.back && e.cards.length > 0).map((e) => `loop ${e.id} behind ${e.cards}`),
  ];
}
