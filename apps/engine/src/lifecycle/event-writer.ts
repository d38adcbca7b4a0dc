import type { TraceEvent, TraceEventBody } from '@flowcraft/schema';
import { safeEvent } from '../store/json-safe.js';

type Write = (target: unknown) => Promise<void>;
type StoreWith = (
  events: TraceEvent[],
  write: Write,
  /** The seq stored before `events` (all earlier batches are stored by now). */
  storedSeq: number,
) => Promise<void>;

interface Deferred {
  storeWith: StoreWith;
  write: Write;
  task: string | undefined;
  resolve(): void;
  reject(err: unknown): void;
}

/** Characters one stored token event holds at most. */
const MAX_TOKEN_CHUNK = 4096;

/**
 * Model tokens are stored at most once per this many ms per run (the first of a burst at once): a
 * provider streaming 50 tokens/s costs a run ~20 rows and statements a second, not one per token and
 * round trip. Any other event, a checkpoint or a flush stores the waiting tokens at once with it.
 */
export const TOKEN_STORE_INTERVAL_MS = 50;

/**
 * Numbers a run's trace events and stores them in batches (group commit): events emitted while a
 * batch is being written go into the next one, so a run pays one transaction per burst of events,
 * not per event. Each batch is published (Socket.IO) only after it is stored.
 *
 * `flush()` resolves once everything emitted so far is stored; the run calls it before each
 * checkpoint is written, so no checkpoint is ever ahead of the events that led to it. Where the
 * store can, `commit()` goes further: a task's `node.finished` is held back and stored atomically
 * with the task's writes (a checkpoint takes whatever is left), so a process killed at
 * any moment leaves a trace that matches its stored state — no task shown finished twice or never.
 */
export class EventWriter {
  private seq: number;
  private pending: TraceEvent[] = [];
  /** `node.finished` events waiting for their task's writes (see `commit`), by task, in order. */
  private readonly held = new Map<string, TraceEventBody[]>();
  private chain: Promise<void> = Promise.resolve();
  private scheduled = false;
  /** Tasks' writes waiting (to the end of this turn of the event loop) for the checkpoint that follows them. */
  private deferred: Deferred[] = [];
  private deferScheduled = false;
  private failure: unknown;
  /** When tokens alone were last sent to storage, and the timer sending the ones waiting since. */
  private tokensSentAt = Number.NEGATIVE_INFINITY;
  private tokenTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly runId: string,
    lastSeq: number,
    private readonly store: (events: TraceEvent[]) => Promise<void>,
    private readonly publish?: (event: TraceEvent) => void,
    private readonly tokenIntervalMs = TOKEN_STORE_INTERVAL_MS,
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
  emit(body: TraceEventBody, task?: string): void {
    if (task !== undefined) {
      // Held (no seq yet) until the task's writes are committed with it.
      this.held.set(task, [...(this.held.get(task) ?? []), body]);
      return;
    }
    this.stamp(body);
    this.schedule();
  }

  /** Numbers an event and queues it (a model token joins the waiting token of its node). */
  private stamp(body: TraceEventBody): void {
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
  }

  /** Numbers and queues the events held for `task` (for every task without one). */
  private release(task?: string): void {
    const tasks = task === undefined ? [...this.held.keys()] : [task];
    for (const t of tasks) {
      for (const body of this.held.get(t) ?? []) this.stamp(body);
      this.held.delete(t);
    }
  }

  /**
   * Stores every event emitted so far together with `write` — `storeWith(events, write)` puts both in
   * one atomic write — then publishes them. In order with the other batches; rejects if either failed.
   *
   * `joinNext`: `write` is a task's writes. LangGraph puts a step's checkpoint right after its last
   * task's writes, in the same turn of the event loop; the writes wait for it until the end of that
   * turn and both go in one statement (with the task's `node.finished` and the `checkpoint.saved`):
   * one round trip per step instead of two. Writes no checkpoint follows in that turn (a task of a
   * step whose other tasks still run) are stored alone then.
   */
  commit(storeWith: StoreWith, write: Write, task?: string, joinNext = false): Promise<void> {
    if (joinNext)
      return new Promise<void>((resolve, reject) => {
        this.deferred.push({ storeWith, write, task, resolve, reject });
        if (this.deferScheduled) return;
        this.deferScheduled = true;
        setImmediate(() => {
          this.deferScheduled = false;
          this.storeDeferred();
        });
      });
    // A checkpoint (no task) takes the writes just before it, stored by the same statement.
    const last = this.deferred.at(-1);
    const joined = task === undefined && last?.storeWith === storeWith ? last : undefined;
    if (joined) this.deferred.pop();
    this.storeDeferred();
    if (!joined) return this.enqueue(storeWith, write, task);
    const done = this.enqueue(storeWith, async (target) => {
      await joined.write(target);
      await write(target);
    });
    done.then(joined.resolve, joined.reject);
    return done;
  }

  /** Deferred writes go, each in its own statement, in order. */
  private storeDeferred(): void {
    const all = this.deferred;
    this.deferred = [];
    for (const d of all) this.enqueue(d.storeWith, d.write, d.task).then(d.resolve, d.reject);
  }

  private enqueue(storeWith: StoreWith, write: Write, task?: string): Promise<void> {
    const done = this.chain.then(async () => {
      // Released only now: an earlier batch must not store them ahead of the write.
      this.release(task);
      const batch = this.pending;
      this.pending = [];
      if (this.failure !== undefined) throw this.failure;
      try {
        await storeWith(batch, write, (batch[0]?.seq ?? this.seq + 1) - 1);
      } catch (err) {
        this.failure = err;
        throw err;
      }
      if (this.publish) for (const e of batch) this.publish(e);
    });
    this.chain = done.catch(() => undefined);
    return done;
  }

  /** Resolves when every event emitted so far is stored and published; rejects if storing failed. */
  async flush(): Promise<void> {
    this.storeDeferred();
    this.release();
    this.scheduleNow();
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Queues a batch for what is pending — tokens alone wait out the rest of the interval (they keep joining). */
  private schedule(): void {
    if (this.scheduled || this.pending.length === 0) return;
    if (this.tokenIntervalMs > 0 && this.pending.every((e) => e.type === 'model.token')) {
      const wait = this.tokensSentAt + this.tokenIntervalMs - performance.now();
      if (wait > 0) {
        this.tokenTimer ??= setTimeout(() => {
          this.tokenTimer = undefined;
          this.scheduleNow();
        }, wait);
        return;
      }
    }
    this.scheduleNow();
  }

  private scheduleNow(): void {
    if (this.tokenTimer !== undefined) {
      clearTimeout(this.tokenTimer);
      this.tokenTimer = undefined;
    }
    if (this.scheduled || this.pending.length === 0) return;
    if (this.pending.every((e) => e.type === 'model.token')) this.tokensSentAt = performance.now();
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
