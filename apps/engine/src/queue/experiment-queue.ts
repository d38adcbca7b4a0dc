import type { Database } from '../store/index.js';

/** The work a worker does for one experiment job: drive the experiment until it ends or is handed over. */
export type ExperimentJobHandler = (experimentId: string) => Promise<void>;

/**
 * The durable experiment queue: an experiment gets a job in the transaction that creates it, that
 * re-opens one of its cases, or that frees it from a dead or stopping driver. Like a run's job it is
 * a hint: the worker claims the experiment itself (`experiments.driver` + lease), so a duplicate job
 * finds it held and does nothing.
 */
export interface ExperimentQueue {
  /** Adds the experiment's job inside `tx`; `delaySeconds` holds it back (after a failed drive). */
  enqueue(tx: Database, experimentId: string, opts?: { delaySeconds?: number }): Promise<void>;
  /** Takes jobs, at most `concurrency` at once, until `stopWorking`. */
  work(handler: ExperimentJobHandler, opts: { concurrency: number }): Promise<void>;
  stopWorking(): Promise<void>;
}
