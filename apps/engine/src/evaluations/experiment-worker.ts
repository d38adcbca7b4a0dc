import type { ExperimentQueue } from '../queue/experiment-queue.js';
import type { ExperimentsRepo } from '../store/index.js';
import type { DriveOutcome, ExperimentDriver } from './experiment-driver.js';

export interface ExperimentWorkerOptions {
  driver: ExperimentDriver;
  experiments: Pick<ExperimentsRepo, 'renew' | 'findExpired' | 'release'>;
  queue: ExperimentQueue;
  /** The driver id the `driver` claims with (`experiments.driver`). */
  owner: string;
  leaseSeconds: number;
  /** Experiments driven at once at most (each keeps its own `concurrency` case runs in flight). */
  concurrency: number;
  onError?: (message: string, err: unknown) => void;
}

/** Seconds a failed drive's next job waits (a database outage should not spin). */
const RETRY_DELAY_SECONDS = 5;

/**
 * A worker process's side of the experiment queue: takes experiment jobs and drives them; renews
 * the leases of the experiments it drives (heartbeat) and stops driving one whose lease it lost;
 * frees experiments whose driver died (expired lease) with a new job, so another worker resumes
 * them; `stop` hands the ones it drives back the same way.
 */
export class ExperimentWorker {
  private readonly drives = new Map<string, { controller: AbortController; since: number; done: Promise<void> }>();
  private timers: NodeJS.Timeout[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly opts: ExperimentWorkerOptions) {}

  async start(): Promise<void> {
    const { leaseSeconds } = this.opts;
    const onError = this.onError;
    const every = (seconds: number, task: () => Promise<unknown>, what: string) => {
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        task()
          .catch((err: unknown) => onError(what, err))
          .finally(() => {
            busy = false;
          });
      }, seconds * 1000);
      timer.unref();
      this.timers.push(timer);
    };
    every(leaseSeconds / 3, () => this.heartbeat(), 'Experiment heartbeat failed');
    every(leaseSeconds / 2, () => this.reap(), 'Looking for experiments of dead workers failed');
    await this.opts.queue.work((id) => this.handle(id), { concurrency: this.opts.concurrency });
  }

  /** Experiments this worker drives now. */
  get driving(): string[] {
    return [...this.drives.keys()];
  }

  /** Renews this worker's leases; a drive whose lease another worker took over stops at once. */
  async heartbeat(): Promise<void> {
    const asked = performance.now();
    const held = new Set(await this.opts.experiments.renew(this.opts.owner, this.opts.leaseSeconds));
    for (const [id, d] of this.drives) {
      if (d.since < asked && !held.has(id)) {
        this.onError(`Experiment ${id}: lease lost to another worker; this drive stops`, undefined);
        d.controller.abort();
      }
    }
  }

  /** Experiments whose driver's lease ran out: freed with a new job (in one transaction). */
  async reap(): Promise<string[]> {
    const freed: string[] = [];
    for (const { id, leaseUntil } of await this.opts.experiments.findExpired()) {
      if (this.drives.has(id)) continue;
      if (await this.opts.experiments.release(id, { leaseUntil }, (tx) => this.opts.queue.enqueue(tx, id)))
        freed.push(id);
    }
    return freed;
  }

  /** Stop taking jobs, stop the drives in flight and hand their experiments back (a new job each). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.opts.queue.stopWorking();
      for (const d of this.drives.values()) d.controller.abort();
      await Promise.allSettled([...this.drives.values()].map((d) => d.done));
      for (const t of this.timers) clearInterval(t);
      this.timers = [];
    })();
    return this.stopping;
  }

  private readonly onError = (message: string, err: unknown) =>
    (this.opts.onError ?? ((m: string, e: unknown) => console.error(m, e)))(message, err);

  private async handle(experimentId: string): Promise<void> {
    if (this.drives.has(experimentId)) return;
    const controller = new AbortController();
    // A job taken while stopping is handed straight back (claimed, then freed with a new job), not dropped.
    if (this.stopping) controller.abort();
    let outcome: DriveOutcome | 'error';
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((r) => {
      resolveDone = r;
    });
    this.drives.set(experimentId, { controller, since: performance.now(), done });
    try {
      outcome = await this.opts.driver.drive(experimentId, controller.signal);
    } catch (err) {
      this.onError(`Experiment ${experimentId}: drive failed`, err);
      outcome = 'error';
    }
    try {
      if (outcome === 'handed_over' || outcome === 'error') {
        const delaySeconds = outcome === 'error' ? RETRY_DELAY_SECONDS : 0;
        await this.opts.experiments.release(experimentId, { driver: this.opts.owner }, (tx) =>
          this.opts.queue.enqueue(tx, experimentId, { delaySeconds }),
        );
      }
    } catch (err) {
      this.onError(`Experiment ${experimentId}: handing it back failed`, err);
    } finally {
      this.drives.delete(experimentId);
      resolveDone();
    }
  }
}
