import type { TraceEvent } from '@flowcraft/schema';
import type { EventListener, EventLog } from '../realtime/event-log.js';
import type { RunEventsRepo } from '../store/index.js';
import { fromStoredEvent } from './event-codec.js';

/**
 * `EventLog` over the `run_events` table, with live delivery in process: `RunService` stores each
 * event, then calls `publish` (its `publish` option), so a published event is already readable.
 */
export class StoreEventLog implements EventLog {
  private readonly listeners = new Map<string, Set<EventListener>>();

  constructor(private readonly runEvents: RunEventsRepo) {}

  async listAfter(runId: string, afterSeq: number, limit: number): Promise<TraceEvent[]> {
    return (await this.runEvents.listAfter(runId, afterSeq, limit)).map(fromStoredEvent);
  }

  subscribe(runId: string, listener: EventListener): () => void {
    const set = this.listeners.get(runId) ?? new Set<EventListener>();
    set.add(listener);
    this.listeners.set(runId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(runId) === set) this.listeners.delete(runId);
    };
  }

  /** Deliver a stored event to the run's listeners. */
  publish(event: TraceEvent): void {
    for (const listener of [...(this.listeners.get(event.runId) ?? [])]) {
      try {
        listener(event);
      } catch {
        // A failing listener must not break the run loop or the other listeners.
      }
    }
  }
}
