import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import { diffState } from '@flowcraft/schema';
import type { HistoryPage, StateDiff, ThreadState } from '../api/debug-api.js';
import { buildTimeline, marksAt } from '../model/timeline.js';
import type { NodeMark, Timeline } from '../model/timeline.js';

export interface TimelineApi {
  history(threadId: string, cursor?: string): Promise<HistoryPage>;
  diff(threadId: string, checkpointId: string): Promise<StateDiff>;
}

export type DiffEntry =
  | { status: 'loading' }
  | { status: 'ready'; diff: StateDiff; local: boolean }
  | { status: 'error'; message: string };

export interface TimelineState {
  threadId: string | undefined;
  items: ThreadState[];
  timeline: Timeline;
  nextCursor: string | null;
  loading: boolean;
  error: string | undefined;
  selectedId: string | undefined;
  diffs: Record<string, DiffEntry>;
  /** Canvas highlights for the selected checkpoint. */
  marks: Record<string, NodeMark>;
  /** Load a thread's history (newest page); keeps the selection when it is the same thread. */
  open(threadId: string): Promise<void>;
  /** Fetch the newest page again and merge it (new checkpoints of a live run). */
  refresh(): Promise<void>;
  loadMore(): Promise<void>;
  select(checkpointId: string | undefined): void;
  close(): void;
}

const empty = buildTimeline([]);

function mergeItems(current: readonly ThreadState[], incoming: readonly ThreadState[]): ThreadState[] {
  const byId = new Map(current.map((c) => [c.checkpointId, c]));
  for (const c of incoming) byId.set(c.checkpointId, c);
  return [...byId.values()];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The checkpoint tree of one thread, the selected checkpoint and its diff. React-free. */
export function createTimelineStore(api: TimelineApi): StoreApi<TimelineState> {
  return createStore<TimelineState>()((set, get) => {
    let generation = 0;

    const setItems = (items: ThreadState[], extra: Partial<TimelineState> = {}) => {
      const timeline = buildTimeline(items);
      const selectedId = get().selectedId;
      const marks = selectedId && timeline.byId.has(selectedId) ? marksFor(timeline, selectedId) : get().marks;
      set({ items, timeline, marks, ...extra });
    };

    const marksFor = (timeline: Timeline, id: string): Record<string, NodeMark> => {
      const entry = get().diffs[id];
      return marksAt(timeline, id, entry?.status === 'ready' && !entry.local ? entry.diff.ran : undefined);
    };

    const loadDiff = async (threadId: string, id: string) => {
      const gen = generation;
      set({ diffs: { ...get().diffs, [id]: { status: 'loading' } } });
      let entry: DiffEntry;
      try {
        entry = { status: 'ready', diff: await api.diff(threadId, id), local: false };
      } catch (err) {
        // Computed here when the engine cannot answer and the parent is loaded.
        const row = get().timeline.byId.get(id);
        const parentId = row?.checkpoint.parentCheckpointId;
        const parent = parentId ? get().timeline.byId.get(parentId) : undefined;
        entry = row
          ? {
              status: 'ready',
              local: true,
              diff: {
                checkpointId: id,
                parentCheckpointId: parentId ?? null,
                ran: row.ran,
                next: row.checkpoint.next,
                changes: diffState(parent?.checkpoint.values ?? {}, row.checkpoint.values),
              },
            }
          : { status: 'error', message: message(err) };
      }
      if (gen !== generation) return;
      set({ diffs: { ...get().diffs, [id]: entry } });
      if (get().selectedId === id) set({ marks: marksFor(get().timeline, id) });
    };

    return {
      threadId: undefined,
      items: [],
      timeline: empty,
      nextCursor: null,
      loading: false,
      error: undefined,
      selectedId: undefined,
      diffs: {},
      marks: {},
      async open(threadId) {
        if (threadId !== get().threadId) {
          generation++;
          set({
            threadId,
            items: [],
            timeline: empty,
            nextCursor: null,
            selectedId: undefined,
            diffs: {},
            marks: {},
            error: undefined,
          });
        }
        await get().refresh();
      },
      async refresh() {
        const threadId = get().threadId;
        if (!threadId) return;
        const gen = generation;
        set({ loading: true });
        try {
          const page = await api.history(threadId);
          if (gen !== generation) return;
          const first = get().items.length === 0;
          setItems(mergeItems(get().items, page.items), {
            loading: false,
            error: undefined,
            ...(first ? { nextCursor: page.nextCursor } : {}),
          });
        } catch (err) {
          if (gen === generation) set({ loading: false, error: message(err) });
        }
      },
      async loadMore() {
        const { threadId, nextCursor } = get();
        if (!threadId || !nextCursor) return;
        const gen = generation;
        set({ loading: true });
        try {
          const page = await api.history(threadId, nextCursor);
          if (gen !== generation) return;
          setItems(mergeItems(get().items, page.items), {
            loading: false,
            nextCursor: page.nextCursor,
            error: undefined,
          });
        } catch (err) {
          if (gen === generation) set({ loading: false, error: message(err) });
        }
      },
      select(id) {
        const { threadId, timeline, diffs } = get();
        if (!id || !timeline.byId.has(id)) {
          set({ selectedId: undefined, marks: {} });
          return;
        }
        set({ selectedId: id, marks: marksFor(timeline, id) });
        if (threadId && (!diffs[id] || diffs[id].status === 'error')) void loadDiff(threadId, id);
      },
      close() {
        generation++;
        set({
          threadId: undefined,
          items: [],
          timeline: empty,
          nextCursor: null,
          selectedId: undefined,
          diffs: {},
          marks: {},
          error: undefined,
          loading: false,
        });
      },
    };
  });
}

export function selectedCheckpoint(s: Pick<TimelineState, 'timeline' | 'selectedId'>): ThreadState | undefined {
  return s.selectedId ? s.timeline.byId.get(s.selectedId)?.checkpoint : undefined;
}
