import { z } from 'zod';
import { Timestamp } from './common.js';

/** A live worker process as `GET /v1/queue` shows it. */
export const QueueWorker = z.object({
  id: z.string(),
  /** `all` (API and worker in one process) or `worker`. */
  role: z.string(),
  /** Runs it executes at once at most (WORKER_CONCURRENCY). */
  concurrency: z.number().int().min(0),
  /** Runs it executed at its last heartbeat. */
  active: z.number().int().min(0),
  /** Host name and process id of the process holding the id (absent on rows written before they were recorded). */
  host: z.string().optional(),
  pid: z.number().int().min(0).optional(),
  startedAt: Timestamp,
  heartbeatAt: Timestamp,
});
export type QueueWorker = z.infer<typeof QueueWorker>;

/** The durable run queue: what waits, for how long, and who works. */
export const QueueStatus = z.object({
  /** Runs waiting for a worker. */
  depth: z.number().int().min(0),
  /** Seconds the oldest waiting run has waited (0 when none waits). */
  oldestWaitSeconds: z.number().min(0),
  /** Runs executing now (all workers). */
  running: z.number().int().min(0),
  /** Worker processes whose heartbeat is recent. */
  workers: z.array(QueueWorker),
});
export type QueueStatus = z.infer<typeof QueueStatus>;
