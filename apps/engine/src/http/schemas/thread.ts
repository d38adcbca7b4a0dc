import { z } from '@hono/zod-openapi';
import { ThreadState as WireThreadState, ThreadTask as WireThreadTask } from '@flowcraft/schema';
import { Id, PageQuery, named, page } from './common.js';

export const ThreadIdParams = z.object({ threadId: Id });
export const CheckpointParams = z.object({ threadId: Id, checkpointId: z.string().min(1).max(200) });

/** A sub-workflow's checkpoints: the namespace a task's `checkpointNs` or a `checkpoint.saved` event's `ns` names. */
const Ns = z.string().max(1000).optional().openapi({
  description: "A sub-workflow's checkpoint namespace (`review:<task id>`); empty or absent: the thread's own.",
});

export const HistoryQuery = PageQuery.extend({ ns: Ns });
export type HistoryQuery = z.infer<typeof HistoryQuery>;
export const NsQuery = z.object({ ns: Ns });

/** A task pending or run at a checkpoint (LangGraph `PregelTask`), by canvas node id. */
export const ThreadTask = named(WireThreadTask, 'ThreadTask');

/** A thread's state at one checkpoint (the wire type from `@flowcraft/schema`). */
export const ThreadState = named(WireThreadState, 'ThreadState');
export type ThreadState = WireThreadState;

/** Newest first; `nextCursor` continues with older checkpoints. */
export const ThreadHistoryPage = page(ThreadState).openapi('ThreadHistoryPage');
