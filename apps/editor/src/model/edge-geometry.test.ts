import { describe, expect, it } from 'vitest';
import { LABEL_HEIGHT, edgePolyline, labelWidth, placeEdges } from './edge-geometry.js';
import type { Rect } from './edge-geometry.js';

const card = (x: number, y: number): Rect => ({ x, y, width: 220, height: 100 });
const overlap = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const labelBox = (c: { x: number; y: number }, text: string): Rect => ({
  x: c.x - labelWidth(text) / 2,
  y: c.y - LABEL_HEIGHT / 2,
  width: labelWidth(text),
  height: LABEL_HEIGHT,
});

describe('edge routes and labels', () => {
  // A router fanning out to three close targets, and a loop from the last column back to the router.
  const cards = new Map([
    ['r', card(0, 100)],
    ['a', card(380, 0)],
    ['b', card(380, 110)],
    ['c', card(380, 220)],
  ]);
  const edges = [
    { id: 'ra', source: 'r', target: 'a', from: { x: 220, y: 160 }, to: { x: 380, y: 30 }, label: 'review again' },
    { id: 'rb', source: 'r', target: 'b', from: { x: 220, y: 170 }, to: { x: 380, y: 140 }, label: 'rejected' },
    { id: 'rc', source: 'r', target: 'c', from: { x: 220, y: 180 }, to: { x: 380, y: 250 }, label: 'fallback' },
    { id: 'cr', source: 'c', target: 'r', from: { x: 600, y: 260 }, to: { x: 0, y: 130 }, label: 'loop' },
  ];
  const placed = placeEdges(edges, cards);

  it('puts every label clear of every card and of the other labels', () => {
    const boxes = edges.map((e) => labelBox(placed.get(e.id)!.label!, e.label));
    for (const b of boxes) for (const c of cards.values()) expect(overlap(b, c)).toBe(false);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!)).toBe(false);
  });

  it('routes a loop back in a lane outside the cards it spans', () => {
    const loop = placed.get('cr')!;
    expect(loop.back).toBe(true);
    expect(placed.get('ra')!.back).toBe(false);
    const lane = loop.laneY!;
    expect(lane > 320 || lane < 0).toBe(true);
    const pts = edgePolyline(edges[3]!.from, edges[3]!.to, loop);
    const horizontal = pts.slice(2, 4);
    expect(horizontal.every((p) => p.y === lane)).toBe(true);
  });
});
