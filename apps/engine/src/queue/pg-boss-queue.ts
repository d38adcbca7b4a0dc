import PgBoss from 'pg-boss';
import { sql } from 'drizzle-orm';
import { openLibraryPool } from '../store/index.js';
import type { Database, NativeSql, SqlRow } from '../store/index.js';
import type { SQL } from 'drizzle-orm';
import { drizzleExecutor, toDrizzleSql } from './drizzle-executor.js';
import type { ClaimWithFetch, ClaimedJob, QueueStats, RunJobHandler, RunQueue } from './run-queue.js';

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
  /**
   * Seconds a completed job stays in the job table before maintenance archives it (default 300;
   * pg-boss's own default is 12 h). The run row is the record of a run; its job is done when the run
   * is claimed. Kept short because the table is scanned for what has no index: active jobs (the
   * unclaimed-job sweep, `stats`) and pg-boss's own archiving. Measured: 1 M completed + 50 k waiting
   * jobs made each sweep 105 ms (three parallel workers).
   */
  archiveCompletedAfterSeconds?: number;
  /** Seconds between pg-boss maintenance runs where `supervise` (pg-boss's default: 120). */
  maintenanceIntervalSeconds?: number;
  onError?: (err: unknown) => void;
}

interface RunJob {
  runId: string;
}

/**
 * Jobs one fetch takes at most: a burst of queued runs is shared by the worker processes woken
 * together instead of all going to the first one that asks.
 */
const FETCH_BATCH = 8;

/** Connections of the queue's own pool on a server (fewer if `DATABASE_URL` caps pools lower). */
export const QUEUE_POOL_SIZE = 4;

/** The statement pg-boss builds in `run` (given the executor to send it to), taken instead of run. */
async function builtBy(
  run: (db: { executeSql(text: string, values: unknown[]): Promise<{ rows: SqlRow[] }> }) => Promise<unknown>,
): Promise<SQL> {
  let statement: SQL | undefined;
  await run({
    async executeSql(text, values) {
      statement = toDrizzleSql(text, values ?? []);
      // What pg-boss reads of the reply: `send` the new job's id.
      return { rows: [{ id: null }] };
    },
  });
  if (statement === undefined) throw new Error('pg-boss built no statement');
  return statement;
}

/** What `work` set up: the handler, the slots and the ones in use, the polling timer. */
interface Taking {
  handler: RunJobHandler<unknown>;
  claim: ClaimWithFetch<unknown> | undefined;
  concurrency: number;
  active: number;
  poll: NodeJS.Timeout;
}

/**
 * `RunQueue` on pg-boss 10 (tables in the `pgboss` schema of the same database). On a PostgreSQL
 * server pg-boss uses its own small pool; on the embedded database it runs its SQL through PGlite.
 * A run's job is inserted with the queueing transaction (`send(…, { db: tx })`). A worker process
 * fetches as many jobs as it has free slots (`fetch` with `batchSize`: pg-boss claims them) and
 * holds each while its run executes, completing it after. A NOTIFY sent with the job wakes idle
 * workers at once, so the polling interval only bounds the delay after a missed notification.
 */
export class PgBossRunQueue implements RunQueue {
  private unlisten: (() => Promise<void>) | undefined;
  private taking: Taking | undefined;
  private fetching = false;
  private fetchAgain = false;
  private closed = false;
  /** Jobs whose runs ended, waiting for the completion in flight. */
  private finished: string[] = [];
  private completing: Promise<void> | undefined;

  private constructor(
    private readonly boss: PgBoss,
    private readonly native: NativeSql,
    private readonly opts: PgBossRunQueueOptions,
    /** Ends the queue's own pool, if it has one. */
    private readonly closePool: () => Promise<void> = async () => undefined,
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
    const common = {
      schema: 'pgboss',
      supervise: opts.supervise ?? true,
      schedule: false,
      archiveCompletedAfterSeconds: opts.archiveCompletedAfterSeconds ?? 300,
      ...(opts.maintenanceIntervalSeconds !== undefined
        ? { maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds }
        : {}),
    } as const;
    // On a server pg-boss's SQL goes through a small pool of its own whose repeated statements are
    // prepared (pg-boss's own node-postgres pool parses and plans every fetch and complete anew).
    const pool = native.url !== undefined ? openLibraryPool(native.url, QUEUE_POOL_SIZE, 'flowcraft-queue') : undefined;
    const boss = new PgBoss({ ...common, db: pool?.native ?? native });
    const onError = opts.onError ?? ((err: unknown) => console.error('Run queue error', err));
    boss.on('error', onError);
    try {
      await boss.start();
    } catch (err) {
      await pool?.close();
      throw err;
    }
    const queue = new PgBossRunQueue(boss, native, { ...opts, onError }, pool?.close);
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
    const job = this.boss.send(RUN_QUEUE, data, { db: drizzleExecutor(tx) });
    // Delivered at commit, to every listening worker process (this one included).
    const wake = () => tx.execute(sql`select pg_notify(${RUN_QUEUED_CHANNEL}, '')`);
    // On a server both go at once (pipelined on the transaction's connection); the embedded
    // database takes one statement after the other.
    if (this.native.url !== undefined) await Promise.all([job, wake()]);
    else {
      await job;
      await wake();
    }
  }

  /**
   * pg-boss builds the job's insert (its defaults and the queue's policy, as `send` does) and this
   * takes it as a statement instead of running it.
   */
  async jobStatement(runId: string): Promise<{ insert: SQL; wakeChannel: string }> {
    const data: RunJob = { runId };
    const insert = await builtBy((db) => this.boss.send(RUN_QUEUE, data, { db }));
    return { insert, wakeChannel: RUN_QUEUED_CHANNEL };
  }

  wake(): void {
    if (this.closed || this.taking === undefined) return;
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    void this.fetchJobs();
  }

  async work<T>(handler: RunJobHandler<T>, opts: { concurrency: number; claim?: ClaimWithFetch<T> }): Promise<void> {
    // Back from a lost connection: runs queued meanwhile woke nobody.
    this.unlisten ??= await this.native.listen(
      RUN_QUEUED_CHANNEL,
      () => this.wake(),
      () => this.wake(),
    );
    const poll = setInterval(() => this.wake(), this.pollingIntervalSeconds * 1000);
    poll.unref();
    // The handler gets what `claim` returned for its job: the types match by `work`'s signature.
    this.taking = {
      handler: handler as RunJobHandler<unknown>,
      claim: opts.claim,
      concurrency: opts.concurrency,
      active: 0,
      poll,
    };
    this.wake();
  }

  /**
   * One fetch for all free slots (pg-boss claims them: `SKIP LOCKED`, state `active`), not one
   * poll per slot: with hundreds of slots per process and several processes, per-slot polling woke
   * every idle slot on each NOTIFY and most of their fetches found nothing.
   */
  private async fetchJobs(): Promise<void> {
    this.fetching = true;
    try {
      do {
        this.fetchAgain = false;
        const taking = this.taking;
        if (taking === undefined || this.closed) return;
        const free = Math.min(FETCH_BATCH, taking.concurrency - taking.active);
        if (free <= 0) return;
        const jobs = await this.fetch(free, taking.claim);
        for (const job of jobs) this.take(taking, job);
        // A full batch: more may be waiting.
        if (jobs.length === free) this.fetchAgain = true;
      } while (this.fetchAgain);
    } catch (err) {
      if (!this.closed) this.opts.onError?.(err);
    } finally {
      this.fetching = false;
    }
  }

  /**
   * Up to `batchSize` jobs (pg-boss's fetch). With `claim`, pg-boss builds its fetch and `claim` runs
   * it inside the statement that claims the jobs' runs (one statement instead of one more per run).
   */
  private async fetch(batchSize: number, claim: ClaimWithFetch<unknown> | undefined): Promise<ClaimedJob<unknown>[]> {
    if (claim === undefined) {
      const jobs = await this.boss.fetch<RunJob>(RUN_QUEUE, { batchSize });
      return jobs.map((job) => ({ jobId: job.id, runId: job.data.runId }));
    }
    // Not run by pg-boss, whose fetch drops its statement's errors (it expects only unique violations there).
    return claim(await builtBy((db) => this.boss.fetch<RunJob>(RUN_QUEUE, { batchSize, db })));
  }

  /** Executes a fetched job's run; the job is completed when the execution ends and the slot is free again. */
  private take(taking: Taking, { jobId, runId, claimed }: ClaimedJob<unknown>): void {
    taking.active++;
    void taking
      .handler(runId, claimed)
      .catch((err: unknown) => this.opts.onError?.(err))
      .finally(() => {
        taking.active--;
        this.wake();
        this.complete(jobId);
      });
  }

  /**
   * Marks a job done. Jobs that finish while a completion is in flight go together in the next one
   * (pg-boss completes a list of ids in one statement): one statement per run cost as much as the
   * run's own claim.
   */
  private complete(jobId: string): void {
    if (this.closed) return;
    this.finished.push(jobId);
    this.completing ??= this.completeFinished().finally(() => {
      this.completing = undefined;
    });
  }

  private async completeFinished(): Promise<void> {
    while (this.finished.length > 0) {
      const ids = this.finished.splice(0);
      await this.boss.complete(RUN_QUEUE, ids).catch((err: unknown) => {
        if (!this.closed) this.opts.onError?.(err);
      });
    }
  }

  async stopWorking(): Promise<void> {
    if (this.taking) clearInterval(this.taking.poll);
    this.taking = undefined;
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

  async heldSince(olderThanSeconds: number): Promise<{ jobId: string; runId: string }[]> {
    const { rows } = await this.native.executeSql(
      `select j.id::text as job_id, j.data->>'runId' as run_id
         from pgboss.job j
         join runs r on r.id = j.data->>'runId' and r.status = 'queued'
        where j.name = $1 and j.state = 'active' and j.started_on < now() - make_interval(secs => $2)
          and not exists (select 1 from pgboss.job w
                           where w.name = $1 and w.state < 'active' and w.data->>'runId' = j.data->>'runId')
        order by j.started_on
        limit 100`,
      [RUN_QUEUE, olderThanSeconds],
    );
    return rows.map((r) => ({ jobId: String(r.job_id), runId: String(r.run_id) }));
  }

  async retire(jobIds: string[]): Promise<void> {
    // Cancelled, not failed: a failed job with retries left would come back.
    if (jobIds.length > 0) await this.boss.cancel(RUN_QUEUE, jobIds);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopWorking();
    await this.completing; // the jobs of runs that ended are marked done before the pool closes
    await this.unlisten?.().catch(() => undefined);
    await this.boss.stop({ graceful: false, close: true, wait: true });
    await this.closePool();
  }
}
