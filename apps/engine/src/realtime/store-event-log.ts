import type { TraceEvent } from '@flowcraft/schema';
import type { EventListener, EventLog, ThreadListener } from './event-log.js';
import type { NativeSql, RunEventsRepo } from '../store/index.js';
import { RUN_EVENTS_CHANNEL } from '../store/index.js';
import { fromStoredEvent } from '../store/event-codec.js';
import { RunListeners } from './run-listeners.js';

const FINAL_EVENTS = new Set(['run.completed', 'run.failed', 'run.cancelled']);

/**
 * `EventLog` over the `run_events` table. Events of runs executed in this process arrive through
 * `publish` (after they are stored). Events stored by other processes (worker processes) are
 * announced by NOTIFY (`followOtherProcesses`): for runs and threads someone here listens to, the
 * announced seqs are read from the table and delivered in order; the rest cost one notification.
 */
export class StoreEventLog implements EventLog {
  private readonly listeners = new RunListeners();
  /** Per run with listeners here: the last seq delivered to them. */
  private readonly delivered = new Map<string, number>();
  /** Runs whose announced events are being read (one reader per run at a time). */
  private readonly reading = new Map<string, Promise<void>>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly runEvents: RunEventsRepo,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

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
    const known = this.delivered.get(event.runId) ?? 0;
    if (event.seq <= known) return;
    if (FINAL_EVENTS.has(event.type)) this.delivered.delete(event.runId);
    else this.delivered.set(event.runId, event.seq);
    this.listeners.publish(event);
  }

  /**
   * LISTEN for events other processes store; resolves once listening. After the LISTEN connection
   * was lost and is back (a database restart, a dropped connection), the announcements sent
   * meanwhile are gone: every run someone here listens to is read from its last delivered seq.
   */
  async followOtherProcesses(native: Pick<NativeSql, 'listen'>): Promise<void> {
    this.unlisten ??= await native.listen(
      RUN_EVENTS_CHANNEL,
      (payload) => this.announced(payload),
      () => {
        for (const runId of this.listeners.runs())
          this.readInTurn(runId, (this.delivered.get(runId) ?? 0) + 1, Infinity);
      },
    );
  }

  async close(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  private announced(payload: string): void {
    const [runId, first, last, threadId] = payload.split(' ');
    if (runId === undefined || first === undefined || last === undefined) return;
    const interested = this.listeners.count(runId) > 0 || (threadId !== undefined && this.listeners.watching(threadId));
    if (!interested) return;
    const known = this.delivered.get(runId);
    if (known !== undefined && known >= Number(last)) return;
    this.readInTurn(runId, Number(first), Number(last));
  }

  /** Reads `first..last` (from what was delivered) after the run's read in flight, if any: one reader per run. */
  private readInTurn(runId: string, first: number, last: number): void {
    const previous = this.reading.get(runId) ?? Promise.resolve();
    const next = previous
      .then(() => this.readAnnounced(runId, first, last))
      .catch((err: unknown) => this.onError(err))
      .finally(() => {
        if (this.reading.get(runId) === next) this.reading.delete(runId);
      });
    this.reading.set(runId, next);
  }

  private async readAnnounced(runId: string, first: number, last: number): Promise<void> {
    let after = this.delivered.get(runId) ?? first - 1;
    while (after < last) {
      const page = await this.listAfter(runId, after, 500);
      if (page.length === 0) return;
      for (const event of page) this.publish(event);
      after = page.at(-1)?.seq ?? last;
    }
  }
}
