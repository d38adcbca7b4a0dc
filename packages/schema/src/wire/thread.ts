import { z } from 'zod';
import { ErrorInfo } from '../errors.js';
import { StateChange } from '../state-diff.js';
import { JsonObject, ResourceId, Timestamp } from './common.js';

/** A task pending or run at a checkpoint (LangGraph `PregelTask`), by canvas node id. */
export const ThreadTask = z.object({
  id: z.string(),
  nodeId: z.string(),
  interrupts: z.array(z.object({ id: z.string(), value: z.unknown() })),
  error: ErrorInfo.nullable(),
  /** A sub-workflow call: the namespace its checkpoints nest under (read them with `?ns=`). */
  checkpointNs: z.string().optional(),
});
export type ThreadTask = z.infer<typeof ThreadTask>;

/** Where a checkpoint came from: input, loop, update (edited state) or fork. */
export const CheckpointSource = z.enum(['input', 'loop', 'update', 'fork']);
export type CheckpointSource = z.infer<typeof CheckpointSource>;

/**
 * A thread's state at one checkpoint (LangGraph `StateSnapshot`, in camelCase and canvas node ids),
 * so a LangGraph-Platform `/threads/{id}/state` facade is a field-by-field mapping.
 */
export const ThreadState = z.object({
  threadId: ResourceId,
  checkpointId: z.string(),
  /** A sub-workflow's checkpoint: its namespace (`review:<task id>`); absent for the thread's own. */
  checkpointNs: z.string().optional(),
  parentCheckpointId: z.string().nullable(),
  /** Superstep number (-1 for the input checkpoint). */
  step: z.number().int(),
  source: CheckpointSource,
  values: JsonObject,
  /** Canvas node ids that run next; empty when the thread is finished. */
  next: z.array(z.string()),
  tasks: z.array(ThreadTask),
  /** The run that wrote this checkpoint, when known. */
  runId: ResourceId.nullable(),
  metadata: JsonObject,
  createdAt: Timestamp,
});
export type ThreadState = z.infer<typeof ThreadState>;

/** What changed from a checkpoint's parent to it. */
export const StateDiff = z.object({
  checkpointId: z.string(),
  parentCheckpointId: z.string().nullable(),
  /** Nodes whose writes produced this checkpoint (the parent's next nodes). */
  ran: z.array(z.string()),
  next: z.array(z.string()),
  changes: z.array(StateChange),
});
export type StateDiff = z.infer<typeof StateDiff>;
