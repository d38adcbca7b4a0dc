import { useEffect } from 'react';
import { documentStore } from '../stores/app-stores.js';
import { canvasUi } from './canvas-ui.js';
import { saveCurrent } from '../controllers/workflow-actions.js';
import {
  copySelection,
  cutSelection,
  deleteSelection,
  duplicateSelection,
  layoutAll,
  paste,
  selectAll,
} from './editor-commands.js';

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target.tagName === 'INPUT' ||
    target.tagName === 'TEXTAREA' ||
    target.tagName === 'SELECT' ||
    target.closest('.monaco-editor') !== null
  );
}

/** Editor keyboard shortcuts (ignored while typing in a field, except save). */
export function useShortcuts(onFitView: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 's') {
        e.preventDefault();
        void saveCurrent();
        return;
      }
      if (mod && key === 'k') {
        e.preventDefault();
        canvasUi.getState().set({ commandPalette: true });
        return;
      }
      if (typing(e.target)) return;
      if (!mod && e.key === '/') {
        e.preventDefault();
        canvasUi.getState().set({ commandPalette: true });
        return;
      }
      const store = documentStore.getState();
      const act = (fn: () => void) => {
        e.preventDefault();
        fn();
      };
      if (mod && key === 'z' && !e.shiftKey) act(store.undo);
      else if (mod && ((key === 'z' && e.shiftKey) || key === 'y')) act(store.redo);
      else if (store.readOnlyVersion !== undefined) {
        if (mod && key === 'c') act(() => void copySelection());
      } else if (mod && key === 'c') act(() => void copySelection());
      else if (mod && key === 'x') act(cutSelection);
      else if (mod && key === 'v') act(paste);
      else if (mod && key === 'd') act(duplicateSelection);
      else if (mod && key === 'a') act(selectAll);
      else if (mod && e.shiftKey && key === 'l') act(() => void layoutAll(onFitView));
      else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) act(deleteSelection);
      else if (!mod && key === 'f') act(onFitView);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onFitView]);
}
