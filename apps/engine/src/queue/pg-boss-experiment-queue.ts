import type PgBoss from 'pg-boss';
import type { Database } from '../store/index.js';
import { drizzleExecutor } from './drizzle-executor.js';
import type { ExperimentJobHandler, ExperimentQueue } from './experiment-queue.js';
import type { PgBossRunQueue } from './pg-boss-queue.js';

/** The pg-boss queue that carries experiments (one job per experiment to drive). */
export const EXPERIMENT_QUEUE = 'flowcraft-experiments';

interface ExperimentJob {
  experimentId: string;
}

/**
 * `ExperimentQueue` on the run queue's pg-boss instance. A job is held while its experiment is
 * driven (hours for a large dataset: `expireInSeconds` is only a backstop); a dead driver is found
 * by its expired lease (`ExperimentWorker.reap`), which frees the experiment and sends a new job.
 */
export class PgBossExperimentQueue implements ExperimentQueue {
  private readonly workerIds: string[] = [];

  private constructor(
    private readonly boss: PgBoss,
    private readonly pollingIntervalSeconds: number,
  ) {}

  static async open(runQueue: PgBossRunQueue): Promise<PgBossExperimentQueue> {
    const boss = runQueue.jobs;
    if ((await boss.getQueue(EXPERIMENT_QUEUE)) === null) {
      try {
        await boss.createQueue(EXPERIMENT_QUEUE, {
          name: EXPERIMENT_QUEUE,
          policy: 'standard',
          retryLimit: 0,
          // pg-boss caps this at 24 h; the drive itself goes on past it (the lease, not the job, holds it).
          expireInSeconds: 23 * 3600,
        });
      } catch (err) {
        // Another process created it at the same moment.
        if ((await boss.getQueue(EXPERIMENT_QUEUE)) === null) throw err;
      }
    }
    return new PgBossExperimentQueue(boss, Math.max(0.5, Math.min(runQueue.pollingIntervalSeconds, 2)));
  }

  async enqueue(tx: Database, experimentId: string, opts: { delaySeconds?: number } = {}): Promise<void> {
    const data: ExperimentJob = { experimentId };
    await this.boss.send(EXPERIMENT_QUEUE, data, {
      db: drizzleExecutor(tx),
      ...(opts.delaySeconds ? { startAfter: opts.delaySeconds } : {}),
    });
    // Idle workers of this process look again soon (others within their polling interval).
    setTimeout(() => {
      for (const id of this.workerIds) this.boss.notifyWorker(id);
    }, 20).unref();
  }

  async work(handler: ExperimentJobHandler, opts: { concurrency: number }): Promise<void> {
    for (let i = 0; i < opts.concurrency; i++) {
      const id = await this.boss.work<ExperimentJob>(
        EXPERIMENT_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: this.pollingIntervalSeconds },
        async (jobs) => {
          for (const job of jobs) await handler(job.data.experimentId);
        },
      );
      this.workerIds.push(id);
    }
  }

  async stopWorking(): Promise<void> {
    this.workerIds.length = 0;
    await this.boss.offWork(EXPERIMENT_QUEUE);
  }
}
