import type { SQL } from 'drizzle-orm';
import type { Database } from '../store/index.js';

/** Where a queue stands: jobs waiting, the oldest one's wait, jobs being executed. */
export interface QueueStats {
  /** Jobs waiting for a worker. */
  depth: number;
  /** Seconds the oldest waiting job has waited (0 when none). */
  oldestWaitSeconds: number;
  /** Jobs a worker holds now. */
  active: number;
}

/**
 * The per-run work a worker does: execute the queued run to the end of this execution. `claimed`:
 * the run as the fetch's own statement claimed it (`ClaimWithFetch`); absent, the handler claims it.
 */
export type RunJobHandler<T = never> = (runId: string, claimed?: T) => Promise<void>;

/** A job a fetch took, and its run as the same statement claimed it (absent where the run was not claimable). */
export interface ClaimedJob<T> {
  jobId: string;
  runId: string;
  claimed?: T;
}

/**
 * Claims the runs of the jobs a fetch takes, in the fetch's own statement: given the queue's fetch
 * (a data-modifying statement returning the jobs it took: `id`, and `data` naming the `runId`), runs
 * both as one statement. Saves each run a statement (and its worker a round trip) before it starts.
 */
export type ClaimWithFetch<T> = (fetch: SQL) => Promise<ClaimedJob<T>[]>;

/**
 * The durable run queue. A run gets its job in the very transaction that queues it (created, resumed,
 * stepped, re-queued by recovery), so there is never a job without its run row or a queued run
 * without its job. Any number of worker processes take jobs; a job is a hint ("this run is queued"):
 * the worker claims the run itself with a compare-and-set, so a duplicate or stale job does nothing.
 */
export interface RunQueue {
  /** Adds the run's job inside `tx`, the transaction that set it `queued`. */
  enqueue(tx: Database, runId: string): Promise<void>;
  /**
   * The run's job as a data-modifying statement to run inside the statement that creates the run,
   * and the channel whose NOTIFY wakes workers: queueing a new run in one statement, with no
   * transaction around it (a server's run creation). Absent where a queue cannot offer it.
   */
  jobStatement?(runId: string): Promise<{ insert: SQL; wakeChannel: string }>;
  /** After the queueing transaction committed: wake idle workers now (in this process and, by NOTIFY, others). */
  wake(): void;
  /** Takes jobs, at most `concurrency` at once, until `stopWorking`; with `claim`, claims their runs as it takes them. */
  work<T>(handler: RunJobHandler<T>, opts: { concurrency: number; claim?: ClaimWithFetch<T> }): Promise<void>;
  /** Stops taking new jobs; handlers in flight go on. */
  stopWorking(): Promise<void>;
  stats(): Promise<QueueStats>;
  /**
   * Jobs a worker took more than `olderThanSeconds` ago and still holds while their run is still
   * queued and has no other job waiting: the worker died between taking the job and claiming the run.
   */
  heldSince(olderThanSeconds: number): Promise<{ jobId: string; runId: string }[]>;
  /** Cancels jobs whose runs got new jobs (a worker took them and stopped before claiming the run). */
  retire(jobIds: string[]): Promise<void>;
  close(): Promise<void>;
}
