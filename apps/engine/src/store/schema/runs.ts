import { sql } from 'drizzle-orm';
import {
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { ErrorInfo } from '@flowcraft/schema';
import { threads } from './threads.js';
import { workflowVersions, workflows } from './workflows.js';

export const RUN_STATUSES = ['queued', 'running', 'interrupted', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Statuses of a run that still holds its thread. */
export const ACTIVE_RUN_STATUSES = ['queued', 'running'] as const satisfies readonly RunStatus[];

export const runStatus = pgEnum('run_status', RUN_STATUSES);

export const runs = pgTable(
  'runs',
  {
    id: text('id').primaryKey(),
    threadId: text('thread_id')
      .notNull()
      .references(() => threads.id),
    workflowId: text('workflow_id')
      .notNull()
      .references(() => workflows.id),
    workflowVersion: integer('workflow_version').notNull(),
    status: runStatus('status').notNull().default('queued'),
    input: jsonb('input').$type<unknown>(),
    output: jsonb('output').$type<unknown>(),
    error: jsonb('error').$type<ErrorInfo>(),
    tokensIn: integer('tokens_in').notNull().default(0),
    tokensOut: integer('tokens_out').notNull().default(0),
    cost: doublePrecision('cost').notNull().default(0),
    /** `{ runId?, checkpointId? }` this run was forked from, if any. */
    /** Seq of the last stored run event (run_events.seq is allocated by incrementing it). */
    lastEventSeq: integer('last_event_seq').notNull().default(0),
    forkedFrom: jsonb('forked_from').$type<{ runId?: string; checkpointId?: string }>(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date', precision: 3 }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date', precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      columns: [t.workflowId, t.workflowVersion],
      foreignColumns: [workflowVersions.workflowId, workflowVersions.version],
      name: 'runs_workflow_version_fk',
    }),
    // At most one queued or running run per thread: the guard against two runs racing on one thread.
    uniqueIndex('runs_one_active_per_thread').on(t.threadId).where(sql`${t.status} in ('queued', 'running')`),
    index('runs_created_idx').on(t.createdAt, t.id),
    index('runs_thread_idx').on(t.threadId, t.createdAt),
    index('runs_workflow_idx').on(t.workflowId, t.createdAt),
    index('runs_status_idx').on(t.status),
  ],
);
