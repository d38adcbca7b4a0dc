/** Edge routes and label places on the canvas: pure geometry, shared by the canvas (placement) and each edge (drawing). */

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How an edge is drawn: forward edges are curves; loop-backs run in a lane above or below the cards they span. */
export interface EdgeRoute {
  back: boolean;
  /** The lane's y for a loop-back edge. */
  laneY?: number;
}

/** Horizontal run out of a source port and into a target port before a loop-back edge turns. */
const STUB = 18;
const LANE_GAP = 26;
const LANE_STEP = 14;
const CORNER = 8;
/** Label boxes: one line of 11 px text; the canvas draws them at exactly this size. */
export const LABEL_HEIGHT = 18;
const LABEL_CHAR = 6.8;
const LABEL_PAD = 14;
const LABEL_MAX = 150;

export function labelWidth(text: string): number {
  return Math.min(LABEL_MAX, Math.ceil(text.length * LABEL_CHAR + LABEL_PAD));
}

/** A target left of (or level with) its source is a loop back. */
export function isBackEdge(from: Point, to: Point): boolean {
  return to.x < from.x + STUB;
}

/** The polyline an edge follows (curves sampled), from the source port to the target port. */
export function edgePolyline(from: Point, to: Point, route: EdgeRoute): Point[] {
  if (route.back && route.laneY !== undefined) {
    const xr = from.x + STUB;
    const xl = to.x - STUB;
    return [from, { x: xr, y: from.y }, { x: xr, y: route.laneY }, { x: xl, y: route.laneY }, { x: xl, y: to.y }, to];
  }
  const off = Math.max(0.5 * Math.abs(to.x - from.x), 24);
  const c1 = { x: from.x + off, y: from.y };
  const c2 = { x: to.x - off, y: to.y };
  const out: Point[] = [];
  for (let i = 0; i <= 24; i++) {
    const t = i / 24;
    const u = 1 - t;
    out.push({
      x: u * u * u * from.x + 3 * u * u * t * c1.x + 3 * u * t * t * c2.x + t * t * t * to.x,
      y: u * u * u * from.y + 3 * u * u * t * c1.y + 3 * u * t * t * c2.y + t * t * t * to.y,
    });
  }
  return out;
}

/** SVG path data for an edge (rounded corners on loop-backs, a cubic curve otherwise). */
export function edgePath(from: Point, to: Point, route: EdgeRoute): string {
  if (route.back && route.laneY !== undefined) {
    const pts = edgePolyline(from, to, route);
    let d = `M ${pts[0]!.x},${pts[0]!.y}`;
    for (let i = 1; i < pts.length - 1; i++) {
      const p = pts[i - 1]!;
      const c = pts[i]!;
      const n = pts[i + 1]!;
      const r = Math.min(CORNER, dist(p, c) / 2, dist(c, n) / 2);
      const a = towards(c, p, r);
      const b = towards(c, n, r);
      d += ` L ${a.x},${a.y} Q ${c.x},${c.y} ${b.x},${b.y}`;
    }
    const last = pts[pts.length - 1]!;
    return `${d} L ${last.x},${last.y}`;
  }
  const off = Math.max(0.5 * Math.abs(to.x - from.x), 24);
  return `M ${from.x},${from.y} C ${from.x + off},${from.y} ${to.x - off},${to.y} ${to.x},${to.y}`;
}

function dist(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function towards(from: Point, to: Point, d: number): Point {
  const len = dist(from, to) || 1;
  return { x: from.x + ((to.x - from.x) * d) / len, y: from.y + ((to.y - from.y) * d) / len };
}

/** The point at `fraction` (0..1) of a polyline's length. */
export function pointAlong(pts: readonly Point[], fraction: number): Point {
  let total = 0;
  for (let i = 1; i < pts.length; i++) total += dist(pts[i - 1]!, pts[i]!);
  let left = total * fraction;
  for (let i = 1; i < pts.length; i++) {
    const seg = dist(pts[i - 1]!, pts[i]!);
    if (left <= seg) return towards(pts[i - 1]!, pts[i]!, left);
    left -= seg;
  }
  return pts[pts.length - 1] ?? { x: 0, y: 0 };
}

export interface EdgeInput {
  id: string;
  source: string;
  target: string;
  from: Point;
  to: Point;
  label?: string | undefined;
}

export interface PlacedEdge extends EdgeRoute {
  /** Centre of the label box, when the edge has a label. */
  label?: Point;
}

const overlaps = (a: Rect, b: Rect, gap: number) =>
  a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;

/** A loop-back lane below (or above) every card in the x-range it spans, lanes of overlapping loops stacked apart. */
function laneFor(from: Point, to: Point, rects: readonly Rect[], taken: { x0: number; x1: number; side: 1 | -1 }[]) {
  const x0 = to.x - STUB;
  const x1 = from.x + STUB;
  let top = Math.min(from.y, to.y);
  let bottom = Math.max(from.y, to.y);
  for (const r of rects) {
    if (r.x > x1 || r.x + r.width < x0) continue;
    top = Math.min(top, r.y);
    bottom = Math.max(bottom, r.y + r.height);
  }
  const mid = (from.y + to.y) / 2;
  const side: 1 | -1 = bottom - mid <= mid - top ? 1 : -1;
  const stacked = taken.filter((t) => t.side === side && t.x0 < x1 && x0 < t.x1).length;
  taken.push({ x0, x1, side });
  return side === 1 ? bottom + LANE_GAP + stacked * LANE_STEP : top - LANE_GAP - stacked * LANE_STEP;
}

const FRACTIONS = [0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82];
const CELL = 256;

/** Boxes bucketed by a coarse grid, so an overlap test looks only at the boxes nearby (500-node canvases). */
class BoxGrid {
  private readonly cells = new Map<string, Rect[]>();

  add(r: Rect): void {
    for (const key of this.keys(r)) {
      const cell = this.cells.get(key);
      if (cell) cell.push(r);
      else this.cells.set(key, [r]);
    }
  }

  hits(r: Rect, gap: number): boolean {
    for (const key of this.keys(r, gap))
      for (const b of this.cells.get(key) ?? []) if (overlaps(r, b, gap)) return true;
    return false;
  }

  private *keys(r: Rect, gap = 0): Generator<string> {
    const x0 = Math.floor((r.x - gap) / CELL);
    const x1 = Math.floor((r.x + r.width + gap) / CELL);
    const y0 = Math.floor((r.y - gap) / CELL);
    const y1 = Math.floor((r.y + r.height + gap) / CELL);
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) yield `${x},${y}`;
  }
}

/**
 * Route every edge and place every label: each label at the first spot along its edge that is clear of
 * every card and every label placed before it (then a step off the line; the middle if nothing is free).
 */
export function placeEdges(edges: readonly EdgeInput[], cards: ReadonlyMap<string, Rect>): Map<string, PlacedEdge> {
  const rects = [...cards.values()];
  const cardGrid = new BoxGrid();
  for (const r of rects) cardGrid.add(r);
  const labelGrid = new BoxGrid();
  const lanes: { x0: number; x1: number; side: 1 | -1 }[] = [];
  const out = new Map<string, PlacedEdge>();
  for (const e of edges) {
    const back = isBackEdge(e.from, e.to);
    const route: EdgeRoute = back ? { back, laneY: laneFor(e.from, e.to, rects, lanes) } : { back };
    const placed: PlacedEdge = { ...route };
    if (e.label) {
      const w = labelWidth(e.label);
      const pts = edgePolyline(e.from, e.to, route);
      const box = (c: Point): Rect => ({ x: c.x - w / 2, y: c.y - LABEL_HEIGHT / 2, width: w, height: LABEL_HEIGHT });
      const free = (c: Point) => {
        const b = box(c);
        return !cardGrid.hits(b, 4) && !labelGrid.hits(b, 2);
      };
      const along = FRACTIONS.map((f) => pointAlong(pts, f));
      const at =
        along.find(free) ??
        along
          .flatMap((p) => [
            { x: p.x, y: p.y - LABEL_HEIGHT - 2 },
            { x: p.x, y: p.y + LABEL_HEIGHT + 2 },
          ])
          .find(free) ??
        along[0]!;
      labelGrid.add(box(at));
      placed.label = at;
    }
    out.set(e.id, placed);
  }
  return out;
}
