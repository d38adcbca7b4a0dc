import { z } from 'zod';
import { ExperimentProgress } from '@flowcraft/schema';
import { socket } from './run-socket.js';

const WatchReply = z.union([
  z.object({ ok: z.literal(true), experimentId: z.string() }),
  z.object({ ok: z.literal(false), code: z.string(), message: z.string() }),
]);

export interface ExperimentWatchOptions {
  experimentId: string;
  /** First the whole experiment (every case result), then each change (the results that changed). */
  onProgress: (progress: ExperimentProgress) => void;
  onError?: (message: string) => void;
}

/**
 * Follow an experiment's progress over the engine's Socket.IO connection (`watchExperiment`), from
 * whichever worker drives it. On every (re)connect it watches again and receives the whole state.
 */
export function watchExperiment(opts: ExperimentWatchOptions): { close(): void } {
  let closed = false;
  let attached: Awaited<ReturnType<typeof socket>> | undefined;
  const onProgress = (raw: unknown) => {
    const parsed = ExperimentProgress.safeParse(raw);
    if (parsed.success && parsed.data.experiment.id === opts.experimentId) opts.onProgress(parsed.data);
  };
  const watch = () => {
    attached?.emit('watchExperiment', { experimentId: opts.experimentId }, (reply: unknown) => {
      const parsed = WatchReply.safeParse(reply);
      if (parsed.success && !parsed.data.ok) opts.onError?.(parsed.data.message);
    });
  };
  void socket().then(
    (s) => {
      if (closed) return;
      attached = s;
      s.on('experiment.progress', onProgress);
      s.on('connect', watch);
      if (s.connected) watch();
    },
    (err: unknown) => opts.onError?.(err instanceof Error ? err.message : String(err)),
  );
  return {
    close() {
      closed = true;
      const s = attached;
      if (!s) return;
      s.off('experiment.progress', onProgress);
      s.off('connect', watch);
      if (s.connected) s.emit('unwatchExperiment', { experimentId: opts.experimentId });
    },
  };
}

/** An experiment detail with a progress message applied (results replaced by case, in their order). */
export function applyProgress<T extends { results: ExperimentProgress['results'] }>(
  detail: T,
  progress: ExperimentProgress,
): T & ExperimentProgress['experiment'] {
  const changed = new Map(progress.results.map((r) => [r.caseId, r]));
  const results = detail.results.map((r) => changed.get(r.caseId) ?? r);
  for (const r of progress.results) if (!detail.results.some((d) => d.caseId === r.caseId)) results.push(r);
  return { ...detail, ...progress.experiment, results };
}
