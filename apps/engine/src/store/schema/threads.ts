import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { workflows } from './workflows.js';

/** A conversation / execution thread: LangGraph's `thread_id`; its checkpoints live in the checkpointer tables. */
export const threads = pgTable(
  'threads',
  {
    id: text('id').primaryKey(),
    /** The workflow whose runs use this thread (null for a thread created before any run). */
    workflowId: text('workflow_id').references(() => workflows.id),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('threads_workflow_idx').on(t.workflowId)],
);
