import { useEffect, useRef } from 'react';
import { useStoreApi } from '@xyflow/react';

/**
 * The canvas dot grid, drawn by CSS on a layer of its own that panning only translates (by the
 * pan offset modulo the grid step): the compositor moves it and nothing is painted again, where
 * React Flow's SVG `<Background>` repaints the whole canvas on every pan frame. Zooming repaints.
 * Written straight to the DOM from the React Flow store: no React render per frame.
 */
export function DotsBackground({ gap = 18, size = 1 }: { gap?: number; size?: number }) {
  const store = useStoreApi();
  const dots = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let zoom = Number.NaN;
    let last: readonly number[] | undefined;
    const apply = (t: readonly number[]) => {
      const el = dots.current;
      if (!el || t === last) return;
      last = t;
      const [x = 0, y = 0, z = 1] = t;
      const step = gap * z;
      if (z !== zoom) {
        zoom = z;
        const r = Math.max(0.6, (size * z) / 2);
        el.style.display = step < 6 ? 'none' : '';
        el.style.inset = `${-step}px`;
        el.style.backgroundSize = `${step}px ${step}px`;
        el.style.backgroundImage = `radial-gradient(circle at ${step / 2}px ${step / 2}px, var(--canvas-dot) ${r}px, transparent ${r + 0.7}px)`;
      }
      const mod = (v: number) => ((v % step) + step) % step;
      el.style.transform = `translate3d(${mod(x) - step / 2}px, ${mod(y) - step / 2}px, 0)`;
    };
    apply(store.getState().transform);
    return store.subscribe((s) => apply(s.transform));
  }, [store, gap, size]);
  return (
    <div className="react-flow__background react-flow__container canvas-background" data-testid="canvas-background">
      <div ref={dots} className="canvas-dots" />
    </div>
  );
}
