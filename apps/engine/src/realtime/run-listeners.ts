import type { TraceEvent } from '@flowcraft/schema';
import type { EventListener } from './event-log.js';

/** Live listeners per run: the subscribe/publish half shared by every `EventLog`. */
export class RunListeners {
  private readonly byRun = new Map<string, Set<EventListener>>();

  subscribe(runId: string, listener: EventListener): () => void {
    const set = this.byRun.get(runId) ?? new Set<EventListener>();
    set.add(listener);
    this.byRun.set(runId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byRun.get(runId) === set) this.byRun.delete(runId);
    };
  }

  /** Deliver an event to its run's listeners; a failing listener does not stop the others or the caller. */
  publish(event: TraceEvent): void {
    for (const listener of [...(this.byRun.get(event.runId) ?? [])]) {
      try {
        listener(event);
      } catch {
        // isolated: one broken subscriber must not break the run loop
      }
    }
  }

  count(runId: string): number {
    return this.byRun.get(runId)?.size ?? 0;
  }
}
