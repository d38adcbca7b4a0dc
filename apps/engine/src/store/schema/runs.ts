import { sql } from 'drizzle-orm';
import {
  boolean,
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
import { ACTIVE_RUN_STATUSES, RunStatus } from '@flowcraft/schema';
import type { Breakpoints, ErrorInfo, PausedAt, PendingInterrupt } from '@flowcraft/schema';
import { threads } from './threads.js';
import { workflowVersions, workflows } from './workflows.js';

export { ACTIVE_RUN_STATUSES };
export type { RunStatus };

/**
 * What the next execution of a queued run does: start from its input, continue from a checkpoint
 * (replay / fork / rerun), answer interrupts, run one step, or continue to the next breakpoint.
 * Set by the transition that queued the run, so a run re-queued after a crash repeats it. An answer
 * names the checkpoint it answers (`at`): after a crash it is sent again only if the thread is
 * still there.
 */
export type RunCommand =
  /** `newThread`: the run created its thread, which has no checkpoint until the run stores one. */
  | { kind: 'start'; newThread?: true }
  | { kind: 'fork'; checkpointId: string }
  | { kind: 'resume'; value: unknown; at?: string }
  | { kind: 'resumeById'; answers: Record<string, unknown>; at?: string }
  | { kind: 'step' }
  | { kind: 'continue' };

export const runStatus = pgEnum('run_status', RunStatus.options as [RunStatus, ...RunStatus[]]);

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
    /** Seq of the last stored run event (run_events.seq is allocated by incrementing it). */
    lastEventSeq: integer('last_event_seq').notNull().default(0),
    /** Incremented by every lifecycle transition: a transition names the revision it read (compare-and-set). */
    revision: integer('revision').notNull().default(0),
    /** Executions started (claims); the executing attempt's number guards its final transition. */
    attempt: integer('attempt').notNull().default(0),
    /** Times a crash (or restart) left the run `running` and recovery re-queued it. */
    recoveries: integer('recoveries').notNull().default(0),
    /** Which worker process executes the run while `running` (released when the execution ends). */
    owner: text('owner'),
    /** The worker that executed the latest attempt (kept after the execution ends). */
    worker: text('worker'),
    /** While `running`: the owner's lease, renewed by its heartbeat; past it, another worker takes the run over. */
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date', precision: 3 }),
    /** What the next execution does (set when the run is queued). */
    command: jsonb('command').$type<RunCommand>(),
    /** Pending interrupts while `interrupted`. */
    interrupts: jsonb('interrupts').$type<PendingInterrupt[]>().notNull().default([]),
    /** Where a run paused by a breakpoint or a step stands, while `interrupted` with no interrupts. */
    paused: jsonb('paused').$type<PausedAt>(),
    /** Breakpoints of a debug run, applied by every execution of it. */
    breakpoints: jsonb('breakpoints').$type<Breakpoints>(),
    /** A cancel asked while `running`: the executing process aborts and records `cancelled`. */
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    /** `{ runId?, checkpointId? }` this run was forked from, if any. */
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
    index('runs_lease_idx').on(t.leaseUntil).where(sql`${t.status} = 'running'`),
    index('runs_owner_idx').on(t.owner).where(sql`${t.status} = 'running'`),
  ],
);
