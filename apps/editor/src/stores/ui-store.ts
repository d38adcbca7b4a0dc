import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';

export type Theme = 'dark' | 'light';
export type SideTab = 'inspector' | 'run' | 'playground' | 'debug' | 'versions' | 'problems';
/** Tabs of the debugger dock under the canvas. */
export type DockTab = 'timeline' | 'events' | 'compare';

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'success';
  text: string;
}

export interface Dialog {
  title: string;
  message: string;
  confirmLabel: string;
  danger: boolean;
  /** When set, the dialog asks for a text value (prompt). */
  input: string | undefined;
  resolve: (value: string | false) => void;
}

export interface UiState {
  theme: Theme;
  tab: SideTab;
  dockTab: DockTab;
  toasts: Toast[];
  dialog: Dialog | undefined;
  setTheme(theme: Theme): void;
  setTab(tab: SideTab): void;
  setDockTab(tab: DockTab): void;
  toast(kind: Toast['kind'], text: string): void;
  dismiss(id: number): void;
  openDialog(dialog: Dialog | undefined): void;
}

function initialTheme(): Theme {
  try {
    const saved = localStorage.getItem('flowcraft.theme');
    if (saved === 'dark' || saved === 'light') return saved;
    return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

let nextToast = 1;

/** How long a toast stays: errors longer, so they can be read. */
export const TOAST_MS: Record<Toast['kind'], number> = { info: 4000, success: 3000, error: 8000 };

export function createUiStore(): StoreApi<UiState> {
  return createStore<UiState>()((set, get) => ({
    theme: initialTheme(),
    tab: 'inspector',
    dockTab: 'timeline',
    toasts: [],
    dialog: undefined,
    setTheme(theme) {
      try {
        localStorage.setItem('flowcraft.theme', theme);
      } catch {
        // storage unavailable: the choice lasts for this page only
      }
      set({ theme });
    },
    setTab: (tab) => set({ tab }),
    setDockTab: (dockTab) => set({ dockTab }),
    toast(kind, text) {
      // One toast at a time: a new one replaces the last (they never stack), and each expires.
      const id = nextToast++;
      set({ toasts: [{ id, kind, text }] });
      setTimeout(() => get().dismiss(id), TOAST_MS[kind]);
    },
    dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
    openDialog: (dialog) => set({ dialog }),
  }));
}
