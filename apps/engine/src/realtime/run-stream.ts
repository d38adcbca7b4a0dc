import type { TraceEvent } from '@flowcraft/schema';
import type { EventLog } from './event-log.js';

export interface RunStreamOptions {
  log: EventLog;
  runId: string;
  /** The last seq the client has; it receives every event after it. */
  afterSeq: number;
  send: (event: TraceEvent) => void;
  /** Events per log read during replay. Default 500. */
  pageSize?: number;
  /** A log read failed; the stream is closed. */
  onError?: (err: unknown) => void;
}

/**
 * One client's view of one run: the stored events after `afterSeq`, then live ones, each exactly
 * once and in seq order. It subscribes before reading the log and buffers live events meanwhile;
 * events are delivered only in seq order (`cursor + 1`), duplicates are dropped, and a gap in the
 * live events is filled from the log.
 */
export class RunStream {
  private cursor: number;
  private readonly buffer: TraceEvent[] = [];
  private readonly pageSize: number;
  private unsubscribe: (() => void) | undefined;
  private pumping = false;
  private closed = false;
  /** Cursor at which a gap in the live events was last looked up in the log. */
  private gapReadAt = -1;
  private failure: { error: unknown } | undefined;

  constructor(private readonly opts: RunStreamOptions) {
    this.cursor = opts.afterSeq;
    this.pageSize = opts.pageSize ?? 500;
  }

  /** Subscribes, replays the missed events and resolves with the last seq sent; live events follow. */
  async start(): Promise<{ lastSeq: number }> {
    this.unsubscribe = this.opts.log.subscribe(this.opts.runId, (event) => {
      if (this.closed || event.seq <= this.cursor) return;
      this.insert(event);
      void this.pump(false);
    });
    await this.pump(true);
    if (this.failure) throw this.failure.error;
    return { lastSeq: this.cursor };
  }

  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.buffer.length = 0;
  }

  get lastSeq(): number {
    return this.cursor;
  }

  private insert(event: TraceEvent): void {
    let i = this.buffer.length;
    while (i > 0 && (this.buffer[i - 1]?.seq ?? 0) > event.seq) i--;
    if (this.buffer[i - 1]?.seq === event.seq) return;
    this.buffer.splice(i, 0, event);
  }

  private dropDelivered(): void {
    while (this.buffer.length > 0 && (this.buffer[0]?.seq ?? 0) <= this.cursor) this.buffer.shift();
  }

  private deliver(event: TraceEvent): void {
    if (event.seq <= this.cursor) return;
    this.cursor = event.seq;
    this.opts.send(event);
  }

  private async pump(readLog: boolean): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let needLog = readLog;
    try {
      while (!this.closed) {
        if (needLog) {
          const page = await this.opts.log.listAfter(this.opts.runId, this.cursor, this.pageSize);
          if (this.closed) return;
          for (const event of page) this.deliver(event);
          this.dropDelivered();
          // A full page may have more behind it, unless the live buffer already continues from here
          // (then reading on would only chase a fast writer).
          needLog = page.length >= this.pageSize && (this.buffer[0]?.seq ?? Infinity) > this.cursor + 1;
          continue;
        }
        this.dropDelivered();
        const next = this.buffer[0];
        if (!next) break;
        if (next.seq === this.cursor + 1 || this.gapReadAt === this.cursor) {
          // In order, or a gap the log could not fill (those seqs do not exist): deliver.
          this.buffer.shift();
          this.deliver(next);
        } else {
          this.gapReadAt = this.cursor;
          needLog = true;
        }
      }
    } catch (err) {
      this.failure = { error: err };
      this.close();
      this.opts.onError?.(err);
    } finally {
      this.pumping = false;
    }
  }
}
