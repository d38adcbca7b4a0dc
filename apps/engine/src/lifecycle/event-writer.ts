import type { TraceEvent, TraceEventBody } from '@flowcraft/schema';
import { safeEvent } from '../store/json-safe.js';

/** Characters one stored token event holds at most. */
const MAX_TOKEN_CHUNK = 4096;

/**
 * Numbers a run's trace events and stores them in batches (group commit): events emitted while a
 * batch is being written go into the next one, so a run pays one transaction per burst of events,
 * not per event. Each batch is published (Socket.IO) only after it is stored.
 *
 * `flush()` resolves once everything emitted so far is stored; the run calls it before each
 * checkpoint is written, so no checkpoint is ever ahead of the events that led to it.
 */
export class EventWriter {
  private seq: number;
  private pending: TraceEvent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;
  private failure: unknown;

  constructor(
    private readonly runId: string,
    lastSeq: number,
    private readonly store: (events: TraceEvent[]) => Promise<void>,
    private readonly publish?: (event: TraceEvent) => void,
  ) {
    this.seq = lastSeq;
  }

  /** The seq of the last event emitted (stored or waiting). */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Stamp an event with the run's next seq and queue it for storage. Never blocks. A model token
   * following a token of the same node that is still waiting for storage joins it (one event, one
   * row) — nobody has seen the waiting one yet, so the stream stays gap-free and in order while a
   * run writes one row per burst of tokens instead of one per token.
   */
  emit(body: TraceEventBody): void {
    if (body.type === 'model.token') {
      const waiting = this.pending.at(-1);
      if (
        waiting?.type === 'model.token' &&
        waiting.nodeId === body.nodeId &&
        waiting.text.length + body.text.length <= MAX_TOKEN_CHUNK
      ) {
        const safe = safeEvent({ ...body, runId: this.runId, seq: waiting.seq, ts: waiting.ts });
        if (safe.type === 'model.token') waiting.text += safe.text;
        return;
      }
    }
    this.seq += 1;
    // Stored and published alike: NUL, lone surrogates and oversized errors made safe once, here.
    this.pending.push(safeEvent({ ...body, runId: this.runId, seq: this.seq, ts: new Date().toISOString() }));
    this.schedule();
  }

  /** Resolves when every event emitted so far is stored and published; rejects if storing failed. */
  async flush(): Promise<void> {
    this.schedule();
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0) return;
    this.scheduled = true;
    this.chain = this.chain.then(() => this.writeBatch());
  }

  private async writeBatch(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (this.failure !== undefined || batch.length === 0) return;
    try {
      await this.store(batch);
    } catch (err) {
      this.failure = err;
      return;
    }
    if (this.publish) for (const e of batch) this.publish(e);
  }
}
