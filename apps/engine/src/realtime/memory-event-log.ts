import { TraceEvent } from '@flowcraft/schema';
import type { TraceEventBody } from '@flowcraft/schema';
import type { EventListener, EventLog, ThreadListener } from './event-log.js';
import { RunListeners } from './run-listeners.js';

/** Test hooks that let a test append events while a read is in progress. */
export interface MemoryEventLogHooks {
  /** Awaited before a read takes its snapshot (appends made here are part of the read). */
  beforeRead?: (runId: string, afterSeq: number) => void | Promise<void>;
  /** Awaited after the snapshot is taken, before it is returned (appends made here are not). */
  afterRead?: (runId: string, afterSeq: number) => void | Promise<void>;
}

/** `EventLog` in memory: `append` stamps `seq` and `ts`, stores, then notifies listeners. */
export class MemoryEventLog implements EventLog {
  private readonly events = new Map<string, TraceEvent[]>();
  private readonly listeners = new RunListeners();
  hooks: MemoryEventLogHooks = {};

  append(runId: string, body: TraceEventBody): TraceEvent {
    const list = this.events.get(runId) ?? [];
    const event = TraceEvent.parse({ ...body, runId, seq: list.length + 1, ts: new Date().toISOString() });
    list.push(event);
    this.events.set(runId, list);
    this.listeners.publish(event);
    return event;
  }

  async listAfter(runId: string, afterSeq: number, limit: number): Promise<TraceEvent[]> {
    await this.hooks.beforeRead?.(runId, afterSeq);
    const page = (this.events.get(runId) ?? []).filter((e) => e.seq > afterSeq).slice(0, limit);
    await this.hooks.afterRead?.(runId, afterSeq);
    return page;
  }

  subscribe(runId: string, listener: EventListener): () => void {
    return this.listeners.subscribe(runId, listener);
  }

  watchThread(threadId: string, listener: ThreadListener): () => void {
    return this.listeners.watchThread(threadId, listener);
  }

  /** Number of live listeners of a run (to check that unsubscribing cleans up). */
  listenerCount(runId: string): number {
    return this.listeners.count(runId);
  }
}
