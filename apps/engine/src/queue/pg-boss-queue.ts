import PgBoss from 'pg-boss';
import { sql } from 'drizzle-orm';
import type { Database, NativeSql } from '../store/index.js';
import { drizzleExecutor } from './drizzle-executor.js';
import type { QueueStats, RunJobHandler, RunQueue } from './run-queue.js';

/** The pg-boss queue that carries runs, and the NOTIFY channel that wakes idle workers when one is queued. */
export const RUN_QUEUE = 'flowcraft-runs';
export const RUN_QUEUED_CHANNEL = 'flowcraft_run_queued';

export interface PgBossRunQueueOptions {
  /** Seconds between a worker's polls when nothing woke it (default 2). */
  pollingIntervalSeconds?: number;
  /**
   * Seconds a job may stay active before pg-boss expires it (default 4 h). Only a backstop: a run's
   * own lease (renewed by its worker's heartbeat) decides when another worker takes it over.
   */
  expireInSeconds?: number;
  /** pg-boss maintenance (expiry, archiving) in this process (default true). */
  supervise?: boolean;
  onError?: (err: unknown) => void;
}

interface RunJob {
  runId: string;
}

/**
 * `RunQueue` on pg-boss 10 (tables in the `pgboss` schema of the same database). On a PostgreSQL
 * server pg-boss uses its own small pool; on the embedded database it runs its SQL through PGlite.
 * A run's job is inserted with the queueing transaction (`send(…, { db: tx })`); each of the
 * `concurrency` pg-boss workers takes one job at a time and holds it while the run executes. A
 * NOTIFY sent with the job wakes idle workers at once, so the polling interval only bounds the
 * delay after a missed notification.
 */
export class PgBossRunQueue implements RunQueue {
  private readonly workerIds: string[] = [];
  private readonly busy = new Set<string>();
  private unlisten: (() => Promise<void>) | undefined;
  private wakeScheduled = false;
  private closed = false;

  private constructor(
    private readonly boss: PgBoss,
    private readonly native: NativeSql,
    private readonly opts: PgBossRunQueueOptions,
  ) {}

  /** The pg-boss instance, for the other queues that share it (experiments). */
  get jobs(): PgBoss {
    return this.boss;
  }

  /** Seconds between polls of an idle worker. */
  get pollingIntervalSeconds(): number {
    return this.opts.pollingIntervalSeconds ?? 2;
  }

  static async open(native: NativeSql, opts: PgBossRunQueueOptions = {}): Promise<PgBossRunQueue> {
    const common = { schema: 'pgboss', supervise: opts.supervise ?? true, schedule: false } as const;
    const boss = new PgBoss(
      native.url !== undefined
        ? { ...common, connectionString: native.url, max: 4, application_name: 'flowcraft-queue' }
        : { ...common, db: native },
    );
    const onError = opts.onError ?? ((err: unknown) => console.error('Run queue error', err));
    boss.on('error', onError);
    await boss.start();
    const queue = new PgBossRunQueue(boss, native, { ...opts, onError });
    await queue.ensureQueue();
    return queue;
  }

  private async ensureQueue(): Promise<void> {
    if ((await this.boss.getQueue(RUN_QUEUE)) !== null) return;
    try {
      await this.boss.createQueue(RUN_QUEUE, {
        name: RUN_QUEUE,
        policy: 'standard',
        retryLimit: 0,
        expireInSeconds: this.opts.expireInSeconds ?? 4 * 3600,
      });
    } catch (err) {
      // Another process created it at the same moment.
      if ((await this.boss.getQueue(RUN_QUEUE)) === null) throw err;
    }
  }

  async enqueue(tx: Database, runId: string): Promise<void> {
    const data: RunJob = { runId };
    await this.boss.send(RUN_QUEUE, data, { db: drizzleExecutor(tx) });
    // Delivered at commit, to every listening worker process (this one included).
    await tx.execute(sql`select pg_notify(${RUN_QUEUED_CHANNEL}, '')`);
  }

  wake(): void {
    if (this.wakeScheduled || this.closed) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      for (const id of this.workerIds) if (!this.busy.has(id)) this.boss.notifyWorker(id);
    });
  }

  async work(handler: RunJobHandler, opts: { concurrency: number }): Promise<void> {
    this.unlisten ??= await this.native.listen(RUN_QUEUED_CHANNEL, () => this.wake());
    for (let i = 0; i < opts.concurrency; i++) {
      let workerId = '';
      workerId = await this.boss.work<RunJob>(
        RUN_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: this.opts.pollingIntervalSeconds ?? 2 },
        async (jobs) => {
          this.busy.add(workerId);
          try {
            for (const job of jobs) {
              try {
                await handler(job.data.runId);
              } catch (err) {
                this.opts.onError?.(err);
              }
            }
          } finally {
            this.busy.delete(workerId);
            // Look for the next job at once instead of sleeping a polling interval.
            this.boss.notifyWorker(workerId);
          }
        },
      );
      this.workerIds.push(workerId);
    }
  }

  async stopWorking(): Promise<void> {
    this.workerIds.length = 0;
    await this.boss.offWork(RUN_QUEUE);
  }

  async stats(): Promise<QueueStats> {
    const { rows } = await this.native.executeSql(
      `select count(*) filter (where state < 'active')::int as depth,
              count(*) filter (where state = 'active')::int as active,
              coalesce(extract(epoch from now() - min(created_on) filter (where state < 'active')), 0)::float8 as oldest
         from pgboss.job where name = $1 and state <= 'active'`,
      [RUN_QUEUE],
    );
    const row = rows[0] ?? {};
    return {
      depth: Number(row.depth ?? 0),
      active: Number(row.active ?? 0),
      oldestWaitSeconds: Number(row.oldest ?? 0),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.unlisten?.().catch(() => undefined);
    await this.boss.stop({ graceful: false, close: true, wait: true });
  }
}
