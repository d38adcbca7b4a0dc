import { z } from 'zod';
import { ErrorInfo } from '../errors.js';
import { TokenUsage } from '../trace-event.js';
import { JsonObject, ResourceId, Timestamp } from './common.js';
import { PausedAt, PendingInterrupt, RunStatus } from './run-lifecycle.js';

/** A run as the HTTP API returns it (`GET /v1/runs/{id}`). */
export const Run = z.object({
  id: ResourceId,
  threadId: ResourceId,
  workflowId: ResourceId,
  workflowVersion: z.number().int().min(1),
  status: RunStatus,
  input: JsonObject,
  output: JsonObject.nullable(),
  error: ErrorInfo.nullable(),
  /** Pending interrupts while `status` is `interrupted`. */
  interrupts: z.array(PendingInterrupt),
  /** Paused by a breakpoint or a step (no interrupts pending): the nodes that run next and the checkpoint. */
  paused: PausedAt.nullable(),
  tokens: TokenUsage,
  /** `seq` of the last stored trace event (0 before the first). */
  lastSeq: z.number().int().min(0),
  /** Executions claimed so far (1 for a run that ran once; more after steps, resumes or a lost worker). */
  attempt: z.number().int().min(0),
  /** Id of the worker process that executed the latest attempt (null before the first). */
  worker: z.string().nullable(),
  forkedFrom: z.object({ threadId: ResourceId, checkpointId: z.string() }).nullable(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
});
export type Run = z.infer<typeof Run>;

/** Returned at once when a run is accepted; it then executes in the background. */
export const RunHandle = z.object({ runId: ResourceId, threadId: ResourceId });
export type RunHandle = z.infer<typeof RunHandle>;
