import { describe, expect, it } from 'vitest';
import { flowPointAt, minimapFrame, viewportInMiniMap } from './minimap-frame.js';

describe('minimap frame', () => {
  it('fits the nodes, maps the viewport and maps clicks back to flow points', () => {
    // 1000 × 500 of nodes, padded by 50 on each side → 1100 × 600 into 200 × 150: scale 2/11, centred vertically.
    const f = minimapFrame(
      [
        { x: 0, y: 0, width: 100, height: 100 },
        { x: 900, y: 400, width: 100, height: 100 },
      ],
      200,
      150,
    );
    expect(f.scale).toBeCloseTo(200 / 1100);
    expect(f.offsetX).toBeCloseTo(0);
    expect(f.offsetY).toBeCloseTo((150 - 600 * f.scale) / 2);
    // Viewport at flow (0,0) with zoom 0.5 over a 400 × 300 canvas: 800 × 600 flow units.
    const r = viewportInMiniMap(f, [0, 0, 0.5], 400, 300);
    expect(r.x).toBeCloseTo(50 * f.scale);
    expect(r.width).toBeCloseTo(800 * f.scale);
    const p = flowPointAt(f, r.x, r.y);
    expect(p.x).toBeCloseTo(0);
    expect(p.y).toBeCloseTo(0);
    expect(minimapFrame([], 200, 150).scale).toBe(1);
  });
});
