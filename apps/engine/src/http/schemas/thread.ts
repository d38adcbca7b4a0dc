import { z } from '@hono/zod-openapi';
import { ThreadState as WireThreadState, ThreadTask as WireThreadTask } from '@flowcraft/schema';
import { ErrorInfoRef, Id, JsonObject, PageQuery, Timestamp, named, page } from './common.js';

export const ThreadIdParams = z.object({ threadId: Id });
export const CheckpointParams = z.object({ threadId: Id, checkpointId: z.string().min(1).max(200) });

export const HistoryQuery = PageQuery;
export type HistoryQuery = z.infer<typeof HistoryQuery>;

/** A task pending or run at a checkpoint (LangGraph `PregelTask`), by canvas node id. */
export const ThreadTask = named(WireThreadTask, 'ThreadTask');

/** A thread's state at one checkpoint (the wire type from `@flowcraft/schema`). */
export const ThreadState = named(WireThreadState, 'ThreadState');
export type ThreadState = WireThreadState;

/** Newest first; `nextCursor` continues with older checkpoints. */
export const ThreadHistoryPage = page(ThreadState).openapi('ThreadHistoryPage');
