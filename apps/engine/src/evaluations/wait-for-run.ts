import type { Run, TraceEvent } from '@flowcraft/schema';

/** Statuses at which a case's run has stopped (interrupted: waiting for a person, or paused). */
const STOPPED = new Set(['completed', 'failed', 'cancelled', 'interrupted']);
const STOP_EVENTS = new Set(['run.completed', 'run.failed', 'run.cancelled', 'run.interrupted']);

export interface RunWatch {
  get(runId: string): Promise<Run | undefined>;
  /** Live events of the run (in process); absent → polling only. */
  subscribe?: (runId: string, listener: (event: TraceEvent) => void) => () => void;
}

/**
 * Resolves with the run once it has stopped: woken by its stop event when events reach this
 * process, and by polling otherwise (runs executed by another worker). Rejects after `timeoutMs`.
 */
export async function waitForRun(
  watch: RunWatch,
  runId: string,
  opts: { pollMs: number; timeoutMs: number },
): Promise<Run> {
  let wake: () => void = () => {};
  // The stop event can be published just before the run row's final transition: once it is seen,
  // look again soon rather than after a whole polling interval.
  let sawStop = false;
  const unsubscribe = watch.subscribe?.(runId, (e) => {
    if (!STOP_EVENTS.has(e.type)) return;
    sawStop = true;
    wake();
  });
  const deadline = Date.now() + opts.timeoutMs;
  try {
    for (;;) {
      const run = await watch.get(runId);
      if (!run) throw new Error(`run ${runId} disappeared`);
      if (STOPPED.has(run.status)) return run;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`run ${runId} did not finish within ${opts.timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(sawStop ? 20 : opts.pollMs, left));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    unsubscribe?.();
  }
}
