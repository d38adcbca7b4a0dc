import type { TraceEvent } from '@flowcraft/schema';
import type { EventListener, ThreadListener } from './event-log.js';

/** Live listeners per run: the subscribe/publish half shared by every `EventLog`. */
export class RunListeners {
  private readonly byRun = new Map<string, Set<EventListener>>();
  private readonly byThread = new Map<string, Set<ThreadListener>>();

  watchThread(threadId: string, listener: ThreadListener): () => void {
    const set = this.byThread.get(threadId) ?? new Set<ThreadListener>();
    set.add(listener);
    this.byThread.set(threadId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byThread.get(threadId) === set) this.byThread.delete(threadId);
    };
  }

  subscribe(runId: string, listener: EventListener): () => void {
    const set = this.byRun.get(runId) ?? new Set<EventListener>();
    set.add(listener);
    this.byRun.set(runId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byRun.get(runId) === set) this.byRun.delete(runId);
    };
  }

  /** Deliver an event to its run's listeners (and a run start to its thread's); a failing listener does not stop the others or the caller. */
  publish(event: TraceEvent): void {
    if (event.type === 'run.started') {
      const run = {
        threadId: event.threadId,
        runId: event.runId,
        ...(event.fromCheckpointId ? { fromCheckpointId: event.fromCheckpointId } : {}),
      };
      for (const listener of [...(this.byThread.get(event.threadId) ?? [])]) {
        try {
          listener(run);
        } catch {
          // isolated, as below
        }
      }
    }
    for (const listener of [...(this.byRun.get(event.runId) ?? [])]) {
      try {
        listener(event);
      } catch {
        // isolated: one broken subscriber must not break the run loop
      }
    }
  }

  watching(threadId: string): boolean {
    return (this.byThread.get(threadId)?.size ?? 0) > 0;
  }

  /** The runs someone here listens to. */
  runs(): string[] {
    return [...this.byRun.keys()];
  }

  count(runId: string): number {
    return this.byRun.get(runId)?.size ?? 0;
  }
}
