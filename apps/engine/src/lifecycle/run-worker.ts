import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { NativeSql, WorkerBeat, WorkersRepo } from '../store/index.js';
import type { RunQueue } from '../queue/run-queue.js';
import { RUN_CANCEL_CHANNEL } from './store-run-ports.js';
import type { RunService } from './run-service.js';
import { consoleError } from './console-error.js';
import { claimWorkerId } from './worker-id.js';

export interface RunWorkerOptions {
  runs: RunService;
  queue: RunQueue;
  native: Pick<NativeSql, 'listen'>;
  workers: WorkersRepo;
  /** `all` or `worker` (shown in `GET /v1/queue`). */
  role: string;
  /** Runs executed at once at most. */
  concurrency: number;
  /** The run lease; the heartbeat renews it every third of it and dead workers' runs are looked for every half. */
  leaseSeconds: number;
  /** The only process on its database (embedded): its worker id is taken whoever had it. */
  exclusive?: boolean;
  /** Told while the worker id is held by another process and this one waits for it. */
  onWait?: (text: string) => void;
  /** This host's name and process id as the registry records them (injected in tests). */
  process?: { host: string; pid: number };
  onError?: (message: string, err: unknown) => void;
}

/**
 * A worker process's side of the queue: takes jobs (`concurrency` at once) and executes their runs
 * with the run service; renews the leases of its runs and its registry row (heartbeat); hears
 * cancels asked through other processes (NOTIFY, and the heartbeat as a backstop); and re-queues
 * the runs of workers that died (expired leases). `stop` hands unfinished runs back.
 */
export class RunWorker {
  private timers: NodeJS.Timeout[] = [];
  private unlisten: (() => Promise<void>) | undefined;
  private stopping: Promise<void> | undefined;
  private claimed: Promise<void> | undefined;
  /** This process's own id in the registry (one per start). */
  private readonly instance = randomUUID();
  private lost = false;

  constructor(private readonly opts: RunWorkerOptions) {}

  get id(): string {
    return this.opts.runs.owner;
  }

  /** False once another process took this worker's id (this one stalled for longer than a lease): it takes no more runs. */
  get healthy(): boolean {
    return !this.lost;
  }

  /**
   * Takes the worker id for this process (`claimWorkerId`): before the runs it owns are recovered.
   * Throws `conflict` if another live process holds it.
   */
  claim(): Promise<void> {
    this.claimed ??= claimWorkerId(this.opts.workers, this.registryRow(0), {
      staleSeconds: this.opts.leaseSeconds,
      ...(this.opts.exclusive !== undefined ? { exclusive: this.opts.exclusive } : {}),
      ...(this.opts.onWait ? { onWait: this.opts.onWait } : {}),
    });
    return this.claimed;
  }

  async start(): Promise<void> {
    const { runs, queue, native, leaseSeconds } = this.opts;
    const onError = this.opts.onError ?? consoleError;
    await this.claim();
    this.unlisten = await native.listen(
      RUN_CANCEL_CHANNEL,
      (runId) => {
        runs.cancelSignalled(runId).catch((err: unknown) => onError(`Cancel of run ${runId} failed`, err));
      },
      // Back from a lost connection: a cancel asked meanwhile was not heard; the heartbeat reads the flags.
      () => {
        this.beat().catch((err: unknown) => onError('Worker heartbeat failed', err));
      },
    );
    await this.beat();
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
    every(leaseSeconds / 3, () => this.beat(), 'Worker heartbeat failed');
    every(leaseSeconds / 2, () => runs.reapExpiredLeases(), 'Looking for runs of dead workers failed');
    const claim = runs.claimWithFetch();
    await queue.work((runId, claimed) => runs.execute(runId, claimed), {
      concurrency: this.opts.concurrency,
      ...(claim ? { claim } : {}),
    });
  }

  /**
   * Stop taking jobs, let runs in flight finish for up to `timeoutMs`, hand the rest back to the
   * queue (another worker resumes them from their last checkpoint), leave the registry.
   */
  stop(timeoutMs = 10_000): Promise<void> {
    this.stopping ??= (async () => {
      await this.opts.queue.stopWorking();
      await this.opts.runs.drain(timeoutMs);
      for (const t of this.timers) clearInterval(t);
      this.timers = [];
      await this.unlisten?.().catch(() => undefined);
      await this.opts.workers.remove(this.id, this.instance).catch(() => undefined);
    })();
    return this.stopping;
  }

  private registryRow(active: number): WorkerBeat {
    const proc = this.opts.process ?? { host: hostname(), pid: process.pid };
    return {
      id: this.id,
      instance: this.instance,
      host: proc.host,
      pid: proc.pid,
      role: this.opts.role,
      concurrency: this.opts.concurrency,
      active,
    };
  }

  private async beat(): Promise<void> {
    const active = await this.opts.runs.heartbeat();
    if (this.lost || (await this.opts.workers.beat(this.registryRow(active)))) return;
    // Another process took the id (started with the same WORKER_ID while this one stalled for longer
    // than a lease): it re-queued the runs this one held, whose executions stop at their next heartbeat.
    this.lost = true;
    await this.opts.queue.stopWorking();
    (this.opts.onError ?? consoleError)(
      `Worker id "${this.id}" was taken by another process while this one stalled: this process takes no more runs (health answers 503); restart it with its own WORKER_ID`,
      undefined,
    );
  }
}
