import type { TraceEvent } from '@flowcraft/schema';

export type EventListener = (event: TraceEvent) => void;

/** A run that started on a watched thread (a new run, a resume of a fork, a rerun from a node). */
export interface ThreadRun {
  threadId: string;
  runId: string;
  /** The checkpoint the run continues from, for forks and reruns. */
  fromCheckpointId?: string;
}
export type ThreadListener = (run: ThreadRun) => void;

/**
 * The stored, seq-numbered trace events of runs, plus notification of new ones. Implemented by the
 * store (`run_events`) together with the run loop; `MemoryEventLog` implements it for tests.
 *
 * Contract: per run, `seq` starts at 1 and increases by 1; an event is readable through
 * `listAfter` no later than it is passed to listeners; listeners get a run's events in seq order.
 */
export interface EventLog {
  /** Stored events of the run with `seq > afterSeq`, in seq order, at most `limit`. */
  listAfter(runId: string, afterSeq: number, limit: number): Promise<TraceEvent[]>;
  /** Calls `listener` with every event appended to the run from now on. Returns the unsubscribe function. */
  subscribe(runId: string, listener: EventListener): () => void;
  /** Calls `listener` for every run started on the thread from now on. Returns the unsubscribe function. */
  watchThread(threadId: string, listener: ThreadListener): () => void;
}
