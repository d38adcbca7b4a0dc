import { randomUUID } from 'node:crypto';
import { and, desc, eq, getTableColumns, inArray, lt, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { FlowError } from '@flowcraft/schema';
import type { Breakpoints, ErrorInfo, PausedAt, PendingInterrupt, TokenUsage } from '@flowcraft/schema';
import type { Database } from '../db.js';
import { jsonSafe, safeErrorInfo } from '../json-safe.js';
import { ACTIVE_RUN_STATUSES, runs, threads } from '../schema/index.js';
import { resultRows } from './run-events-repo.js';
import type { RunCommand, RunStatus } from '../schema/index.js';
import { decodeCursor, pageSize, toPage } from './page.js';
import type { Page } from './page.js';
import { FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, pgError } from './pg-error.js';

export type Run = typeof runs.$inferSelect;

export interface CreateRun {
  id?: string;
  threadId: string;
  /** Create the thread too (with the run, in the same statement). */
  newThread?: boolean;
  workflowId: string;
  /** The workflow version the run pins. */
  workflowVersion: number;
  input?: unknown;
  status?: 'queued' | 'running';
  forkedFrom?: { runId?: string; checkpointId?: string } | null;
  command?: RunCommand | null;
  breakpoints?: Breakpoints | null;
}

/**
 * What goes with a run's insert in its statement: data-modifying statements (the run's job), and a
 * NOTIFY channel announced once the run is stored. One statement, atomic without BEGIN/COMMIT.
 */
export interface CreateRunWith {
  statements: SQL[];
  notify?: string;
}

export interface ListRuns {
  status?: RunStatus | RunStatus[];
  workflowId?: string;
  threadId?: string;
  limit?: number;
  cursor?: string;
}

/** What a lifecycle transition expects of the run row: it applies only if all of these hold. */
export interface RunExpectation {
  /** Statuses the run must be in. */
  from: readonly RunStatus[];
  /** The revision the caller read; absent = any. */
  revision?: number;
  /** The executing attempt (an execution's own transitions); absent = any. */
  attempt?: number;
  /** Ready to execute: no cancel asked and fewer recoveries than this (a worker claiming without reading first). */
  claimableBelow?: number;
}

/** The columns a transition sets. Every transition increments `revision`. */
export interface RunChange {
  status?: RunStatus;
  output?: unknown;
  error?: ErrorInfo | null;
  command?: RunCommand | null;
  interrupts?: PendingInterrupt[];
  paused?: PausedAt | null;
  cancelRequested?: boolean;
  /** Claim the run for an execution: `attempt + 1`, owned by this worker, leased for `leaseSeconds`. */
  claimBy?: string;
  /** The claim's lease (default 30 s); the owner's heartbeat renews it. */
  leaseSeconds?: number;
  /** Release the owner (the execution ended). */
  release?: true;
  /** Recovery re-queues a run whose process died: `recoveries + 1`. */
  recovered?: true;
  /** Tokens and cost the execution spent, added to the run's (the final transition carries them: no statement of their own). */
  usage?: TokenUsage;
}

const TERMINAL: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];
/** How long a claim holds without a heartbeat. */
export const DEFAULT_LEASE_SECONDS = 30;

const RUN_COLUMNS = Object.entries(getTableColumns(runs));

/**
 * A `runs` row as the driver returned it from raw SQL (column names, driver values) → the row
 * drizzle's query builders return (each column decoded as drizzle decodes it).
 */
export function runFromRow(raw: Record<string, unknown>): Run {
  const row: Record<string, unknown> = {};
  for (const [key, column] of RUN_COLUMNS) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  // Every column of the table, decoded: the shape `$inferSelect` describes.
  return row as Run;
}

/** The columns a transition writes (every transition increments `revision`). */
export function transitionSet(change: RunChange) {
  const status = change.status;
  return {
    ...(status === undefined ? {} : { status }),
    ...(change.output === undefined ? {} : { output: jsonSafe(change.output) }),
    ...(change.error === undefined ? {} : { error: change.error === null ? null : safeErrorInfo(change.error) }),
    ...(change.command === undefined ? {} : { command: jsonSafe(change.command) as RunCommand | null }),
    ...(change.interrupts === undefined ? {} : { interrupts: jsonSafe(change.interrupts) as PendingInterrupt[] }),
    ...(change.paused === undefined ? {} : { paused: change.paused }),
    ...(change.cancelRequested === undefined ? {} : { cancelRequested: change.cancelRequested }),
    ...(change.claimBy === undefined
      ? {}
      : {
          owner: change.claimBy,
          worker: change.claimBy,
          attempt: sql`${runs.attempt} + 1`,
          leaseUntil: sql`now() + make_interval(secs => ${change.leaseSeconds ?? DEFAULT_LEASE_SECONDS})`,
        }),
    ...(change.release ? { owner: null, leaseUntil: null } : {}),
    ...(change.recovered ? { recoveries: sql`${runs.recoveries} + 1` } : {}),
    ...(change.usage === undefined
      ? {}
      : {
          tokensIn: sql`${runs.tokensIn} + ${change.usage.input}`,
          tokensOut: sql`${runs.tokensOut} + ${change.usage.output}`,
          cost: sql`${runs.cost} + ${change.usage.costUsd ?? 0}`,
        }),
    ...(status === 'running' ? { startedAt: sql`coalesce(${runs.startedAt}, now())` } : {}),
    ...(status !== undefined && TERMINAL.includes(status) ? { finishedAt: sql`now()` } : {}),
    revision: sql`${runs.revision} + 1`,
    updatedAt: sql`now()`,
  };
}

/** The row a transition applies to: the run, still matching `expect`. */
export function transitionWhere(id: string, expect: RunExpectation): SQL | undefined {
  return and(eq(runs.id, id), expectationWhere(expect));
}

/** What `expect` asks of a run row, whichever row it is. */
function expectationWhere(expect: RunExpectation): SQL | undefined {
  return and(
    inArray(runs.status, [...expect.from]),
    expect.revision === undefined ? undefined : eq(runs.revision, expect.revision),
    expect.attempt === undefined ? undefined : eq(runs.attempt, expect.attempt),
    expect.claimableBelow === undefined
      ? undefined
      : and(eq(runs.cancelRequested, false), lt(runs.recoveries, expect.claimableBelow)),
  );
}

/** A failed transition's error: re-activating a run whose thread has another active run is a conflict. */
export function transitionError(id: string, change: RunChange, err: unknown): unknown {
  const { code, constraint } = pgError(err);
  if (code === UNIQUE_VIOLATION && constraint === 'runs_one_active_per_thread')
    return new FlowError('conflict', `Run ${id} cannot become ${change.status}: its thread already has an active run`, {
      cause: err,
    });
  return err;
}

function activeRunConflict(threadId: string, cause: unknown): FlowError {
  return new FlowError(
    'conflict',
    `Thread ${threadId} already has a queued or running run; wait for it to finish or cancel it`,
    { cause, details: { threadId } },
  );
}

/**
 * Runs. At most one queued/running run per thread, enforced by the partial unique index
 * `runs_one_active_per_thread` and reported as a `conflict`.
 */
export function createRunsRepo(db: Database) {
  async function find(id: string): Promise<Run | undefined> {
    const [row] = await db.select().from(runs).where(eq(runs.id, id));
    return row;
  }

  return {
    find,

    async get(id: string): Promise<Run> {
      const row = await find(id);
      if (row === undefined) throw new FlowError('not_found', `Run ${id} not found`);
      return row;
    },

    async create(input: CreateRun, also?: CreateRunWith): Promise<Run> {
      const status = input.status ?? 'queued';
      const insert = db
        .insert(runs)
        .values({
          id: input.id ?? randomUUID(),
          threadId: input.threadId,
          workflowId: input.workflowId,
          workflowVersion: input.workflowVersion,
          status,
          input: jsonSafe(input.input ?? null),
          forkedFrom: input.forkedFrom ?? null,
          command: input.command ?? null,
          breakpoints: input.breakpoints ?? null,
          startedAt: status === 'running' ? sql`now()` : null,
        })
        .returning();
      try {
        let row: Run | undefined;
        if (input.newThread || also !== undefined) {
          // Thread, run and what goes with them inserted by one statement (foreign keys are checked
          // at its end; data-modifying CTEs run whether or not they are read).
          const ctes: SQL[] = [];
          if (input.newThread) {
            const thread = db.insert(threads).values({ id: input.threadId, workflowId: input.workflowId });
            ctes.push(sql`new_thread as (${thread.getSQL()})`);
          }
          (also?.statements ?? []).forEach((statement, i) => ctes.push(sql`${sql.raw(`with_${i}`)} as (${statement})`));
          ctes.push(sql`new_run as (${insert.getSQL()})`);
          const notified = also?.notify === undefined ? sql`` : sql`, pg_notify(${also.notify}, '') as notified`;
          const statement = sql`with ${sql.join(ctes, sql`, `)} select new_run.*${notified} from new_run`;
          const [raw] = resultRows(await db.execute(statement));
          row = raw === undefined ? undefined : runFromRow(raw);
        } else [row] = await insert;
        if (row === undefined) throw new Error('insert returned no row');
        return row;
      } catch (err) {
        const { code, constraint } = pgError(err);
        if (code === UNIQUE_VIOLATION && constraint === 'runs_one_active_per_thread')
          throw activeRunConflict(input.threadId, err);
        if (code === UNIQUE_VIOLATION && constraint === 'threads_pkey')
          throw new FlowError('conflict', `Thread ${input.threadId} already exists`, { cause: err });
        if (code === UNIQUE_VIOLATION)
          throw new FlowError('conflict', `Run ${input.id} already exists`, { cause: err });
        if (code === FOREIGN_KEY_VIOLATION)
          throw new FlowError(
            'not_found',
            `Thread ${input.threadId} or workflow ${input.workflowId} version ${input.workflowVersion} not found`,
            { cause: err },
          );
        throw err;
      }
    },

    /** Newest first, filtered by status (one or several), workflow and thread. */
    async list(options: ListRuns = {}): Promise<Page<Run>> {
      const size = pageSize(options.limit);
      const cursor = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
      const statuses =
        options.status === undefined ? undefined : Array.isArray(options.status) ? options.status : [options.status];
      const rows = await db
        .select()
        .from(runs)
        .where(
          and(
            statuses === undefined ? undefined : inArray(runs.status, statuses),
            options.workflowId === undefined ? undefined : eq(runs.workflowId, options.workflowId),
            options.threadId === undefined ? undefined : eq(runs.threadId, options.threadId),
            cursor === undefined
              ? undefined
              : sql`(${runs.createdAt}, ${runs.id}) < (${cursor.at.toISOString()}::timestamptz, ${cursor.id})`,
          ),
        )
        .orderBy(desc(runs.createdAt), desc(runs.id))
        .limit(size + 1);
      return toPage(rows, size, (r) => ({ at: r.createdAt, id: r.id }));
    },

    /**
     * One atomic compare-and-set on the run row: applies `change` only when the row still matches
     * `expect` (status, and the revision / attempt the caller read). Returns the new row, or
     * undefined when the run has moved on (the caller lost a race: answer 409, write nothing).
     * Entering `running` stamps `started_at` once; a finished status stamps `finished_at`.
     * Re-activating a run while its thread has another active run is a conflict.
     */
    async transition(id: string, expect: RunExpectation, change: RunChange): Promise<Run | undefined> {
      try {
        const [row] = await db.update(runs).set(transitionSet(change)).where(transitionWhere(id, expect)).returning();
        return row;
      } catch (err) {
        throw transitionError(id, change, err);
      }
    },

    /**
     * `transition` for every run a queue's fetch takes, in the fetch's own statement: `fetch` is a
     * data-modifying statement returning the jobs it took (`id`, and `data` naming the `runId`).
     * One row per job: `fc_job_id`, `fc_run_id`, then the run's columns where the claim applied
     * (null where the run no longer matched `expect`).
     */
    claimFetched(fetch: SQL, expect: RunExpectation, change: RunChange): SQL {
      const update = db
        .update(runs)
        .set(transitionSet(change))
        .where(and(sql`${runs.id} in (select data->>'runId' from fetched)`, expectationWhere(expect)))
        .returning();
      return sql`with fetched as (${fetch}), claimed as (${update.getSQL()})
        select fetched.id::text as fc_job_id, fetched.data->>'runId' as fc_run_id, claimed.*
        from fetched left join claimed on claimed.id = fetched.data->>'runId'`;
    },

    /** Adds one model call's usage to the run's totals (atomic increment). */
    async addUsage(id: string, usage: { tokensIn?: number; tokensOut?: number; cost?: number }): Promise<void> {
      const updated = await db
        .update(runs)
        .set({
          tokensIn: sql`${runs.tokensIn} + ${usage.tokensIn ?? 0}`,
          tokensOut: sql`${runs.tokensOut} + ${usage.tokensOut ?? 0}`,
          cost: sql`${runs.cost} + ${usage.cost ?? 0}`,
          updatedAt: sql`now()`,
        })
        .where(eq(runs.id, id))
        .returning({ id: runs.id });
      if (updated.length === 0) throw new FlowError('not_found', `Run ${id} not found`);
    },

    /** Runs left queued or running (e.g. by a crash), oldest first: resume or fail them at start-up. */
    async findRunning(): Promise<Run[]> {
      return db
        .select()
        .from(runs)
        .where(inArray(runs.status, [...ACTIVE_RUN_STATUSES]))
        .orderBy(runs.createdAt, runs.id);
    },

    /**
     * The heartbeat of a worker: renews the leases of the runs it executes (`executing`: each run
     * with the attempt it executes) that it still owns in that attempt, in one statement. Returns
     * them with their cancel flag (a cancel asked through another process). A run the owner holds but
     * does not name is not renewed: its lease runs out. Nor is a run claimed again since (a later
     * attempt, even under the same owner name: another process started with the same worker id, or
     * this one after a stall): the execution naming the older attempt learns it no longer holds it.
     */
    async renewLeases(
      owner: string,
      leaseSeconds: number,
      executing: { id: string; attempt: number }[],
    ): Promise<{ id: string; cancelRequested: boolean }[]> {
      if (executing.length === 0) return [];
      const named = sql`select * from unnest(${sql.param(executing.map((r) => r.id))}::text[], ${sql.param(executing.map((r) => r.attempt))}::int[])`;
      // Rows locked in the order grouped event appends lock them (other orders deadlock).
      const held = db
        .select({ id: runs.id })
        .from(runs)
        .where(and(sql`(${runs.id}, ${runs.attempt}) in (${named})`, eq(runs.owner, owner), eq(runs.status, 'running')))
        .orderBy(sql`${runs.id} collate "C"`)
        .for('no key update');
      return db
        .update(runs)
        .set({ leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})` })
        .where(inArray(runs.id, held))
        .returning({ id: runs.id, cancelRequested: runs.cancelRequested });
    },

    /** Running runs whose owner stopped renewing its lease (a dead worker), oldest lease first. */
    async findExpiredLeases(limit = 100): Promise<Run[]> {
      return db
        .select()
        .from(runs)
        .where(and(eq(runs.status, 'running'), sql`(${runs.leaseUntil} is null or ${runs.leaseUntil} < now())`))
        .orderBy(runs.leaseUntil)
        .limit(limit);
    },

    /** Running runs owned by `owner` (at a worker's start: its own runs from before a crash). */
    async findOwnedBy(owner: string): Promise<Run[]> {
      return db
        .select()
        .from(runs)
        .where(and(eq(runs.status, 'running'), eq(runs.owner, owner)))
        .orderBy(runs.createdAt, runs.id);
    },

    /** Queue figures from the runs table: queued count and the oldest queued run's age. */
    async queueFigures(): Promise<{ queued: number; running: number; oldestQueuedSeconds: number }> {
      const [row] = await db
        .select({
          queued: sql<number>`count(*) filter (where ${runs.status} = 'queued')::int`,
          running: sql<number>`count(*) filter (where ${runs.status} = 'running')::int`,
          oldest: sql<number>`coalesce(extract(epoch from now() - min(${runs.updatedAt}) filter (where ${runs.status} = 'queued')), 0)::float8`,
        })
        .from(runs)
        .where(inArray(runs.status, [...ACTIVE_RUN_STATUSES]));
      return { queued: row?.queued ?? 0, running: row?.running ?? 0, oldestQueuedSeconds: row?.oldest ?? 0 };
    },

    /** The queued or running run of a thread, if any. */
    async findActiveOnThread(threadId: string): Promise<Run | undefined> {
      const [row] = await db
        .select()
        .from(runs)
        .where(and(eq(runs.threadId, threadId), inArray(runs.status, [...ACTIVE_RUN_STATUSES])));
      return row;
    },
  };
}

export type RunsRepo = ReturnType<typeof createRunsRepo>;
