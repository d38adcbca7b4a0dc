import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { z } from 'zod';

/** What the editor shows around the canvas: side panels and the minimap (kept per browser). */
export interface ViewPrefs {
  palette: boolean;
  side: boolean;
  minimap: boolean;
  toggle(key: 'palette' | 'side' | 'minimap'): void;
}

const KEY = 'flowcraft.view';
const Saved = z.object({ palette: z.boolean(), side: z.boolean(), minimap: z.boolean() }).partial().nullable();

function initial(): Pick<ViewPrefs, 'palette' | 'side' | 'minimap'> {
  const wide = typeof window === 'undefined' || window.innerWidth >= 1200;
  const fallback = { palette: true, side: true, minimap: wide };
  try {
    const saved = Saved.safeParse(JSON.parse(localStorage.getItem(KEY) ?? 'null'));
    if (saved.success && saved.data) return { ...fallback, ...saved.data };
  } catch {
    // storage unavailable: defaults
  }
  return fallback;
}

export const viewPrefs = createStore<ViewPrefs>()((set, get) => ({
  ...initial(),
  toggle(key) {
    set({ [key]: !get()[key] });
    const { palette, side, minimap } = get();
    try {
      localStorage.setItem(KEY, JSON.stringify({ palette, side, minimap }));
    } catch {
      // not persisted
    }
  },
}));

export const useViewPrefs = <T>(selector: (s: ViewPrefs) => T): T => useStore(viewPrefs, selector);
