import { z } from '@hono/zod-openapi';
import { ErrorInfoRef, Id, JsonObject, PageQuery, Timestamp, page } from './common.js';

export const ThreadIdParams = z.object({ threadId: Id });
export const CheckpointParams = z.object({ threadId: Id, checkpointId: z.string().min(1).max(200) });

export const HistoryQuery = PageQuery;
export type HistoryQuery = z.infer<typeof HistoryQuery>;

/** A task pending or run at a checkpoint (LangGraph `PregelTask`), by canvas node id. */
export const ThreadTask = z
  .object({
    id: z.string(),
    nodeId: z.string(),
    interrupts: z.array(z.object({ id: z.string(), value: z.unknown() })),
    error: ErrorInfoRef.nullable(),
  })
  .openapi('ThreadTask');

/**
 * A thread's state at one checkpoint (LangGraph `StateSnapshot`, in camelCase and canvas node ids),
 * so a LangGraph-Platform `/threads/{id}/state` facade is a field-by-field mapping.
 */
export const ThreadState = z
  .object({
    threadId: Id,
    checkpointId: z.string(),
    parentCheckpointId: z.string().nullable(),
    /** Superstep number (-1 for the input checkpoint). */
    step: z.number().int(),
    /** Where the checkpoint came from: input, loop, update (edited state) or fork. */
    source: z.enum(['input', 'loop', 'update', 'fork']),
    values: JsonObject,
    /** Canvas node ids that run next; empty when the thread is finished. */
    next: z.array(z.string()),
    tasks: z.array(ThreadTask),
    /** The run that wrote this checkpoint, when known. */
    runId: Id.nullable(),
    metadata: JsonObject,
    createdAt: Timestamp,
  })
  .openapi('ThreadState');
export type ThreadState = z.infer<typeof ThreadState>;

/** Newest first; `nextCursor` continues with older checkpoints. */
export const ThreadHistoryPage = page(ThreadState).openapi('ThreadHistoryPage');
