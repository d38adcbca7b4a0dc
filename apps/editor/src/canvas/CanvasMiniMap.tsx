import { useEffect, useMemo, useRef } from 'react';
import { Panel, useReactFlow, useStoreApi } from '@xyflow/react';
import type { WorkflowNode } from '@flowcraft/schema';
import { useCatalog, useUi } from '../stores/app-stores.js';
import type { FlowNode } from './flow-types.js';
import { flowPointAt, minimapFrame, viewportInMiniMap } from './minimap-frame.js';
import { sizes } from './node-sizes.js';

const W = 168;
const H = 112;
const DEFAULT_SIZE = { width: 220, height: 90 };

/**
 * Overview of the whole workflow: nodes drawn once on a `<canvas>` (again only when the document,
 * the measured sizes or the theme change) and the viewport as a rectangle that panning only moves.
 * React Flow's SVG minimap re-renders and repaints every node on each pan frame. Click or drag to
 * move the viewport there, wheel to zoom.
 */
export function CanvasMiniMap({ nodes, sizeVersion }: { nodes: readonly WorkflowNode[]; sizeVersion: number }) {
  const store = useStoreApi<FlowNode>();
  const rf = useReactFlow<FlowNode>();
  const catalog = useCatalog((s) => s.catalog);
  const theme = useUi((s) => s.theme);
  const canvas = useRef<HTMLCanvasElement>(null);
  const view = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const frame = useMemo(
    () =>
      minimapFrame(
        nodes.map((n) => ({ ...n.position, ...(sizes.get(n.id) ?? DEFAULT_SIZE) })),
        W,
        H,
      ),
    // sizeVersion: the measured sizes changed
    [nodes, sizeVersion],
  );

  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    el.width = W * dpr;
    el.height = H * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const style = getComputedStyle(el);
    const colour = new Map<string, string>();
    const colourOf = (category: string) => {
      let c = colour.get(category);
      if (c === undefined) {
        c =
          style.getPropertyValue(`--cat-${category}`).trim() || style.getPropertyValue('--text-faint').trim() || '#888';
        colour.set(category, c);
      }
      return c;
    };
    for (const n of nodes) {
      const size = sizes.get(n.id) ?? DEFAULT_SIZE;
      ctx.fillStyle = colourOf(catalog?.describe(n.type)?.category ?? 'custom');
      ctx.fillRect(
        (n.position.x - frame.minX) * frame.scale + frame.offsetX,
        (n.position.y - frame.minY) * frame.scale + frame.offsetY,
        Math.max(2, size.width * frame.scale),
        Math.max(2, size.height * frame.scale),
      );
    }
  }, [nodes, frame, catalog, theme]);

  useEffect(() => {
    let last: unknown[] = [];
    const place = () => {
      const s = store.getState();
      if (last[0] === s.transform && last[1] === s.width && last[2] === s.height) return;
      last = [s.transform, s.width, s.height];
      const r = viewportInMiniMap(frame, s.transform, s.width, s.height);
      const el = view.current;
      if (!el) return;
      el.style.width = `${r.width}px`;
      el.style.height = `${r.height}px`;
      el.style.transform = `translate3d(${r.x}px, ${r.y}px, 0)`;
    };
    place();
    return store.subscribe(place);
  }, [store, frame]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // Not React's onWheel: that listener is passive and cannot keep the page from scrolling.
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      void rf.zoomTo(rf.getZoom() * (e.deltaY < 0 ? 1.2 : 1 / 1.2));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [rf]);

  const moveTo = (e: React.PointerEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const p = flowPointAt(frame, e.clientX - r.left, e.clientY - r.top);
    void rf.setCenter(p.x, p.y, { zoom: rf.getZoom() });
  };

  return (
    <Panel position="bottom-right" className="minimap nowheel nodrag nopan">
      <div
        ref={box}
        className="minimap-box"
        data-testid="minimap"
        style={{ width: W, height: H }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          moveTo(e);
        }}
        onPointerMove={(e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) moveTo(e);
        }}
      >
        <canvas ref={canvas} style={{ width: W, height: H }} />
        <div ref={view} className="minimap-view" />
      </div>
    </Panel>
  );
}
