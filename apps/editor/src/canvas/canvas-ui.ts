import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { Position } from '@flowcraft/schema';
import type { DragOrigin } from './add-node.js';

/** Canvas-only UI state: the pointer, selected notes/groups, and the open quick-add menu and command palette. */
export interface CanvasUi {
  /** Last pointer position over the canvas, in canvas coordinates (paste lands there). */
  pointer: Position | undefined;
  /** Selected sticky notes and groups (cards and edges are selected in the document store). */
  annotations: string[];
  commandPalette: boolean;
  /** The sticky note whose Markdown is being edited. */
  editingNote: string | undefined;
  /** The quick-add menu after a connection was dropped on empty canvas: where (in the wrapper) and from which port. */
  quickAdd: { origin: DragOrigin; x: number; y: number; at: Position } | undefined;
  set(patch: Partial<Omit<CanvasUi, 'set'>>): void;
}

export const canvasUi = createStore<CanvasUi>()((set) => ({
  pointer: undefined,
  annotations: [],
  commandPalette: false,
  editingNote: undefined,
  quickAdd: undefined,
  set: (patch) => set(patch),
}));

export const useCanvasUi = <T>(selector: (s: CanvasUi) => T): T => useStore(canvasUi, selector);
