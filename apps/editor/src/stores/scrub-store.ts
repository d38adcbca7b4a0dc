import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { TraceEvent } from '@flowcraft/schema';
import { newRunState, reduceRun } from '../model/run-state.js';
import type { RunState, Successors } from '../model/run-state.js';

export interface ScrubState {
  runId: string | undefined;
  threadId: string | undefined;
  /** The run's stored events, in seq order. */
  events: TraceEvent[];
  /** How many events are applied (0 … events.length). */
  position: number;
  /** The run as it stood after `position` events. */
  view: RunState | undefined;
  loading: boolean;
  error: string | undefined;
  open(runId: string, threadId: string | undefined, load: () => Promise<TraceEvent[]>): Promise<void>;
  seek(position: number): void;
  /** Move to the next (1) or previous (-1) saved checkpoint. */
  jumpCheckpoint(direction: 1 | -1): void;
  close(): void;
}

/** The last checkpoint written within the first `position` events. */
export function checkpointAt(events: readonly TraceEvent[], position: number): string | undefined {
  for (let i = Math.min(position, events.length) - 1; i >= 0; i--) {
    const e = events[i];
    if (e?.type === 'checkpoint.saved' && e.ns === undefined) return e.checkpointId;
  }
  return undefined;
}

/** Positions right after each `checkpoint.saved` event. */
export function checkpointPositions(events: readonly TraceEvent[]): number[] {
  const out: number[] = [];
  events.forEach((e, i) => {
    if (e.type === 'checkpoint.saved') out.push(i + 1);
  });
  return out;
}

/** A recorded run replayed from its stored events, event by event. React-free. */
export function createScrubStore(successors?: Successors): StoreApi<ScrubState> {
  return createStore<ScrubState>()((set, get) => {
    const viewAt = (runId: string, threadId: string | undefined, events: readonly TraceEvent[], position: number) =>
      events.slice(0, position).reduce((s, e) => reduceRun(s, e, successors), newRunState(runId, threadId));
    return {
      runId: undefined,
      threadId: undefined,
      events: [],
      position: 0,
      view: undefined,
      loading: false,
      error: undefined,
      async open(runId, threadId, load) {
        set({ runId, threadId, events: [], position: 0, view: undefined, loading: true, error: undefined });
        try {
          const events = [...(await load())].sort((a, b) => a.seq - b.seq);
          if (get().runId !== runId) return;
          set({
            events,
            position: events.length,
            view: viewAt(runId, threadId, events, events.length),
            loading: false,
          });
        } catch (err) {
          if (get().runId === runId) set({ loading: false, error: err instanceof Error ? err.message : String(err) });
        }
      },
      seek(position) {
        const { runId, threadId, events } = get();
        if (!runId) return;
        const p = Math.max(0, Math.min(events.length, Math.round(position)));
        set({ position: p, view: viewAt(runId, threadId, events, p) });
      },
      jumpCheckpoint(direction) {
        const { events, position } = get();
        const stops = checkpointPositions(events);
        const target = direction > 0 ? stops.find((p) => p > position) : [...stops].reverse().find((p) => p < position);
        if (target !== undefined) get().seek(target);
      },
      close() {
        set({
          runId: undefined,
          threadId: undefined,
          events: [],
          position: 0,
          view: undefined,
          loading: false,
          error: undefined,
        });
      },
    };
  });
}
