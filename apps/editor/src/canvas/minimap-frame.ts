export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How flow coordinates map into the minimap: `m = (p - min) * scale + offset`. */
export interface MiniMapFrame {
  minX: number;
  minY: number;
  scale: number;
  offsetX: number;
  offsetY: number;
}

/** Fit the union of `rects` (padded by 5 %) into a `width × height` box, centred. */
export function minimapFrame(rects: readonly Rect[], width: number, height: number): MiniMapFrame {
  if (rects.length === 0) return { minX: 0, minY: 0, scale: 1, offsetX: 0, offsetY: 0 };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const r of rects) {
    minX = Math.min(minX, r.x);
    minY = Math.min(minY, r.y);
    maxX = Math.max(maxX, r.x + r.width);
    maxY = Math.max(maxY, r.y + r.height);
  }
  const pad = Math.max(maxX - minX, maxY - minY) * 0.05;
  minX -= pad;
  minY -= pad;
  maxX += pad;
  maxY += pad;
  const scale = Math.min(width / (maxX - minX), height / (maxY - minY));
  return {
    minX,
    minY,
    scale,
    offsetX: (width - (maxX - minX) * scale) / 2,
    offsetY: (height - (maxY - minY) * scale) / 2,
  };
}

/** The part of the flow the viewport shows (`transform` = [x, y, zoom]), in minimap pixels. */
export function viewportInMiniMap(
  frame: MiniMapFrame,
  transform: readonly number[],
  width: number,
  height: number,
): Rect {
  const [tx = 0, ty = 0, zoom = 1] = transform;
  return {
    x: (-tx / zoom - frame.minX) * frame.scale + frame.offsetX,
    y: (-ty / zoom - frame.minY) * frame.scale + frame.offsetY,
    width: (width / zoom) * frame.scale,
    height: (height / zoom) * frame.scale,
  };
}

/** The flow point under a minimap pixel. */
export function flowPointAt(frame: MiniMapFrame, mx: number, my: number): { x: number; y: number } {
  return { x: (mx - frame.offsetX) / frame.scale + frame.minX, y: (my - frame.offsetY) / frame.scale + frame.minY };
}
