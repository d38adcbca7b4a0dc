import type { TraceEvent } from '@flowcraft/schema';
import type { EventLog } from './event-log.js';
import { RunStream } from './run-stream.js';

/** Event types after which a run stops emitting until it is resumed (or for good). */
export const STOPPING_EVENTS: ReadonlySet<TraceEvent['type']> = new Set([
  'run.completed',
  'run.failed',
  'run.cancelled',
  'run.interrupted',
]);

export interface FollowRunOptions {
  log: EventLog;
  runId: string;
  /** Events with a larger seq are yielded (0: from the start). */
  afterSeq: number;
  /**
   * Asked at a stopping event: whether the run went on after it (it was resumed: queued or running
   * again, or more events exist). `false` ends the iteration after that event.
   */
  continuesAfter: (event: TraceEvent) => Promise<boolean>;
  signal?: AbortSignal;
}

/**
 * A run's events after `afterSeq` — stored ones, then live ones — in seq order, each once, until the
 * run stops (completes, fails, is cancelled or interrupted and not resumed) or `signal` aborts.
 * Built on `RunStream`, so it works the same whichever process executes the run.
 */
export async function* followRun(opts: FollowRunOptions): AsyncGenerator<TraceEvent> {
  for await (const batch of followRunBatches(opts)) yield* batch;
}

/** `followRun` in batches: every event that arrived while the consumer was busy, at once. */
export async function* followRunBatches(opts: FollowRunOptions): AsyncGenerator<TraceEvent[]> {
  const queue: TraceEvent[] = [];
  let wake: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const stream = new RunStream({
    log: opts.log,
    runId: opts.runId,
    afterSeq: opts.afterSeq,
    send: (event) => {
      queue.push(event);
      notify();
    },
    onError: (error) => {
      failure = { error };
      notify();
    },
  });
  const onAbort = () => notify();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    await stream.start();
    while (true) {
      if (opts.signal?.aborted) return;
      if (failure) throw failure.error;
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (queue.length > 0 || failure || opts.signal?.aborted) notify();
        });
        continue;
      }
      const batch = queue.splice(0);
      yield batch;
      const last = batch.at(-1);
      if (last && STOPPING_EVENTS.has(last.type) && queue.length === 0 && !(await opts.continuesAfter(last))) return;
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    stream.close();
  }
}
