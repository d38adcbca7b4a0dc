import type { ExperimentListener, ExperimentWatch } from '../http/deps.js';
import { EXPERIMENT_PROGRESS_CHANNEL, type ExperimentsRepo, type NativeSql } from '../store/index.js';

/** Results are re-read from a little before the newest one seen: drivers on other machines stamp them with their clocks. */
const OVERLAP_MS = 5_000;

interface Watched {
  listeners: Set<ExperimentListener>;
  /** Newest `updatedAt` already sent. */
  newest: number;
  timer: NodeJS.Timeout | undefined;
  reading: Promise<void> | undefined;
  again: boolean;
}

/**
 * Experiment progress for watchers in this process: a driver (any worker) NOTIFYs
 * `flowcraft_experiment_progress` with the experiment id, at most every 200 ms; the feed reads the
 * counts and the results changed since it last looked (one read per notification, shared by every
 * watcher of the experiment) and passes them on.
 */
export class ExperimentFeed implements ExperimentWatch {
  private readonly watched = new Map<string, Watched>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly experiments: Pick<ExperimentsRepo, 'get' | 'results' | 'resultsSince'>,
    private readonly onError: (message: string, err: unknown) => void = (m, e) => console.error(m, e),
    private readonly coalesceMs = 50,
  ) {}

  /** Starts hearing drivers' notifications (every process that serves watchers). */
  async start(native: Pick<NativeSql, 'listen'>): Promise<void> {
    this.unlisten ??= await native.listen(EXPERIMENT_PROGRESS_CHANNEL, (id) => this.changed(id));
  }

  async close(): Promise<void> {
    for (const w of this.watched.values()) if (w.timer) clearTimeout(w.timer);
    this.watched.clear();
    await this.unlisten?.().catch(() => undefined);
    this.unlisten = undefined;
  }

  async watch(experimentId: string, listener: ExperimentListener): Promise<(() => void) | undefined> {
    const experiment = await this.experiments.get(experimentId);
    if (!experiment) return undefined;
    const results = await this.experiments.results(experimentId);
    listener({ experiment, results });
    const newest = Math.max(0, ...results.map((r) => Date.parse(r.updatedAt)));
    let w = this.watched.get(experimentId);
    if (!w) {
      w = { listeners: new Set(), newest, timer: undefined, reading: undefined, again: false };
      this.watched.set(experimentId, w);
    }
    w.listeners.add(listener);
    const entry = w;
    return () => {
      entry.listeners.delete(listener);
      if (entry.listeners.size === 0 && this.watched.get(experimentId) === entry) {
        if (entry.timer) clearTimeout(entry.timer);
        this.watched.delete(experimentId);
      }
    };
  }

  /** A driver changed the experiment: read once (coalesced) and tell its watchers. */
  changed(experimentId: string): void {
    const w = this.watched.get(experimentId);
    if (!w || w.timer) return;
    w.timer = setTimeout(() => {
      w.timer = undefined;
      if (w.reading) {
        w.again = true;
        return;
      }
      w.reading = this.read(experimentId, w).finally(() => {
        w.reading = undefined;
        if (w.again) {
          w.again = false;
          this.changed(experimentId);
        }
      });
    }, this.coalesceMs);
  }

  private async read(experimentId: string, w: Watched): Promise<void> {
    try {
      const [experiment, results] = await Promise.all([
        this.experiments.get(experimentId),
        this.experiments.resultsSince(experimentId, new Date(w.newest - OVERLAP_MS)),
      ]);
      if (!experiment) return;
      for (const r of results) w.newest = Math.max(w.newest, Date.parse(r.updatedAt));
      for (const listener of w.listeners) listener({ experiment, results });
    } catch (err) {
      this.onError(`Reading experiment ${experimentId}'s progress failed`, err);
    }
  }
}
