import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { WorkflowDocument } from '@flowcraft/schema';
import { newWorkflow } from '../model/new-workflow.js';

/** How many edits undo remembers. */
export const HISTORY_LIMIT = 100;
/** Edits with the same key within this window (typing in one field) are one undo step. */
export const COALESCE_MS = 800;

export interface Selection {
  nodes: string[];
  edges: string[];
}

export interface LoadOptions {
  workflowId: string | undefined;
  /** Latest saved version (0: never saved). */
  version: number;
  /** Viewing this older version read-only. */
  readOnlyVersion?: number;
}

export interface DocumentState {
  workflowId: string | undefined;
  version: number;
  readOnlyVersion: number | undefined;
  doc: WorkflowDocument;
  /** The document as last loaded or saved; `doc !== saved` means unsaved changes. */
  saved: WorkflowDocument;
  past: WorkflowDocument[];
  future: WorkflowDocument[];
  selection: Selection;
  /** Key and time of the last coalescing edit. */
  coalesce: { key: string; at: number } | undefined;
  /** A continuous gesture (dragging nodes) whose start is already in the history. */
  inGesture: boolean;

  load(doc: WorkflowDocument, opts: LoadOptions): void;
  /** Apply an edit; `key` merges quick successive edits of the same thing into one undo step. */
  edit(recipe: (doc: WorkflowDocument) => WorkflowDocument, key?: string): void;
  /** Start of a gesture: one undo step for all `gestureEdit`s until `endGesture`. */
  gestureEdit(recipe: (doc: WorkflowDocument) => WorkflowDocument): void;
  endGesture(): void;
  undo(): void;
  redo(): void;
  select(selection: Selection): void;
  /** The snapshot `doc` was stored as `version`. */
  markSaved(doc: WorkflowDocument, version: number): void;
}

export type DocumentStore = StoreApi<DocumentState>;

export function isDirty(s: Pick<DocumentState, 'doc' | 'saved'>): boolean {
  return s.doc !== s.saved;
}

const EMPTY: Selection = { nodes: [], edges: [] };

function push(past: WorkflowDocument[], doc: WorkflowDocument): WorkflowDocument[] {
  const next = [...past, doc];
  return next.length > HISTORY_LIMIT ? next.slice(next.length - HISTORY_LIMIT) : next;
}

/** Keep only selected ids that still exist. */
function prune(sel: Selection, doc: WorkflowDocument): Selection {
  if (sel.nodes.length === 0 && sel.edges.length === 0) return sel;
  const nodes = new Set(doc.nodes.map((n) => n.id));
  const edges = new Set(doc.edges.map((e) => e.id));
  return { nodes: sel.nodes.filter((id) => nodes.has(id)), edges: sel.edges.filter((id) => edges.has(id)) };
}

export function createDocumentStore(now: () => number = Date.now): DocumentStore {
  const initial = newWorkflow('Untitled');
  return createStore<DocumentState>()((set, get) => ({
    workflowId: undefined,
    version: 0,
    readOnlyVersion: undefined,
    doc: initial,
    saved: initial,
    past: [],
    future: [],
    selection: EMPTY,
    coalesce: undefined,
    inGesture: false,

    load(doc, opts) {
      set({
        workflowId: opts.workflowId,
        version: opts.version,
        readOnlyVersion: opts.readOnlyVersion,
        doc,
        saved: doc,
        past: [],
        future: [],
        selection: EMPTY,
        coalesce: undefined,
        inGesture: false,
      });
    },

    edit(recipe, key) {
      const s = get();
      if (s.readOnlyVersion !== undefined) return;
      const next = recipe(s.doc);
      if (next === s.doc) return;
      const t = now();
      const merge =
        key !== undefined && s.coalesce?.key === key && t - s.coalesce.at < COALESCE_MS && s.past.length > 0;
      set({
        doc: next,
        past: merge ? s.past : push(s.past, s.doc),
        future: [],
        selection: prune(s.selection, next),
        coalesce: key === undefined ? undefined : { key, at: t },
      });
    },

    gestureEdit(recipe) {
      const s = get();
      if (s.readOnlyVersion !== undefined) return;
      const next = recipe(s.doc);
      if (next === s.doc) return;
      set({
        doc: next,
        past: s.inGesture ? s.past : push(s.past, s.doc),
        future: s.inGesture ? s.future : [],
        inGesture: true,
        coalesce: undefined,
      });
    },

    endGesture() {
      if (get().inGesture) set({ inGesture: false });
    },

    undo() {
      const s = get();
      const prev = s.past.at(-1);
      if (!prev) return;
      set({
        doc: prev,
        past: s.past.slice(0, -1),
        future: [s.doc, ...s.future],
        selection: prune(s.selection, prev),
        coalesce: undefined,
        inGesture: false,
      });
    },

    redo() {
      const s = get();
      const next = s.future[0];
      if (!next) return;
      set({
        doc: next,
        past: push(s.past, s.doc),
        future: s.future.slice(1),
        selection: prune(s.selection, next),
        coalesce: undefined,
        inGesture: false,
      });
    },

    select(selection) {
      const s = get().selection;
      if (same(s.nodes, selection.nodes) && same(s.edges, selection.edges)) return;
      set({ selection });
    },

    markSaved(doc, version) {
      // `doc` is the snapshot that was sent; edits made while saving stay unsaved.
      set({ saved: doc, version });
    },
  }));
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
