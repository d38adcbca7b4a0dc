import type { TraceEvent } from '@flowcraft/schema';
import type { EventListener, EventLog, ThreadListener } from './event-log.js';
import type { RunEventsRepo } from '../store/index.js';
import { fromStoredEvent } from '../store/event-codec.js';
import { RunListeners } from './run-listeners.js';

/**
 * `EventLog` over the `run_events` table, with live delivery in process: `RunService` stores each
 * event, then calls `publish` (its `publish` option), so a published event is already readable.
 */
export class StoreEventLog implements EventLog {
  private readonly listeners = new RunListeners();

  constructor(private readonly runEvents: RunEventsRepo) {}

  async listAfter(runId: string, afterSeq: number, limit: number): Promise<TraceEvent[]> {
    return (await this.runEvents.listAfter(runId, afterSeq, limit)).map(fromStoredEvent);
  }

  subscribe(runId: string, listener: EventListener): () => void {
    return this.listeners.subscribe(runId, listener);
  }

  watchThread(threadId: string, listener: ThreadListener): () => void {
    return this.listeners.watchThread(threadId, listener);
  }

  /** Deliver a stored event to the run's listeners. */
  publish(event: TraceEvent): void {
    this.listeners.publish(event);
  }
}
