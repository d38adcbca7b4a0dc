import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { CaseResult, ErrorInfo, EvaluatorResult, Experiment, ExperimentStatus } from '@flowcraft/schema';
import type { Database } from '../db.js';
import { jsonSafe, textSafe } from '../json-safe.js';
import { experimentResults, experiments, runs } from '../schema/index.js';

type ExperimentRow = typeof experiments.$inferSelect;
type ResultRow = typeof experimentResults.$inferSelect;

export interface NewExperiment {
  id?: string;
  name: string;
  workflowId: string;
  workflowVersion: number;
  datasetId: string;
  concurrency: number;
  cases: { id: string; name: string }[];
}

/** What a finished (or failed to start) case stores. */
export interface CaseOutcome {
  status: 'passed' | 'failed';
  runStatus: string | null;
  score: number;
  reason: string;
  results: EvaluatorResult[];
  costUsd: number | null;
  tokens: number | null;
  durationMs: number | null;
  error: ErrorInfo | null;
}

interface Counts {
  total: number;
  passed: number;
  failed: number;
  pending: number;
  cost: number;
}

function toExperiment(row: ExperimentRow, c: Counts): Experiment {
  return {
    id: row.id,
    name: row.name,
    workflowId: row.workflowId,
    workflowVersion: row.workflowVersion,
    datasetId: row.datasetId,
    concurrency: row.concurrency,
    status: row.status,
    total: c.total,
    passed: c.passed,
    failed: c.failed,
    pending: c.pending,
    costUsd: c.cost,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

function toResult(row: ResultRow): CaseResult {
  return {
    experimentId: row.experimentId,
    caseId: row.caseId,
    caseName: row.caseName,
    status: row.status,
    runId: row.runId,
    threadId: row.threadId,
    runStatus: row.runStatus,
    score: row.score,
    reason: row.reason,
    results: row.results,
    costUsd: row.costUsd,
    tokens: row.tokens,
    durationMs: row.durationMs,
    attempts: row.attempts,
    error: row.error,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** NOTIFY channel: an experiment's results changed (payload: its id); API processes forward it to watchers. */
export const EXPERIMENT_PROGRESS_CHANNEL = 'flowcraft_experiment_progress';

const countsSql = sql<Counts>`json_build_object(
  'total', count(*)::int,
  'passed', (count(*) filter (where ${experimentResults.status} = 'passed'))::int,
  'failed', (count(*) filter (where ${experimentResults.status} = 'failed'))::int,
  'pending', (count(*) filter (where ${experimentResults.status} in ('pending', 'running')))::int,
  'cost', coalesce(sum(${experimentResults.costUsd}), 0)::float8)`;

/** Experiments and their per-case results; counts are computed from the results in SQL. */
export function createExperimentsRepo(db: Database) {
  async function counts(ids: string[]): Promise<Map<string, Counts>> {
    if (ids.length === 0) return new Map();
    const rows = await db
      .select({ id: experimentResults.experimentId, c: countsSql })
      .from(experimentResults)
      .where(sql`${experimentResults.experimentId} in ${ids}`)
      .groupBy(experimentResults.experimentId);
    return new Map(rows.map((r) => [r.id, r.c]));
  }
  const none: Counts = { total: 0, passed: 0, failed: 0, pending: 0, cost: 0 };

  async function get(id: string): Promise<Experiment | undefined> {
    const [row] = await db.select().from(experiments).where(eq(experiments.id, id));
    if (!row) return undefined;
    return toExperiment(row, (await counts([id])).get(id) ?? none);
  }

  return {
    get,

    /**
     * The experiment and one pending result per case, in one transaction; `alsoInTx` runs inside it
     * (the experiment's queue job goes out with the rows).
     */
    async create(input: NewExperiment, alsoInTx?: (tx: Database, id: string) => Promise<void>): Promise<Experiment> {
      const id = input.id ?? randomUUID();
      await db.transaction(async (tx) => {
        await tx.insert(experiments).values({
          id,
          name: input.name,
          workflowId: input.workflowId,
          workflowVersion: input.workflowVersion,
          datasetId: input.datasetId,
          concurrency: input.concurrency,
        });
        for (let i = 0; i < input.cases.length; i += 1000) {
          await tx.insert(experimentResults).values(
            input.cases.slice(i, i + 1000).map((c, j) => ({
              experimentId: id,
              caseId: c.id,
              position: i + j,
              caseName: c.name,
            })),
          );
        }
        await alsoInTx?.(tx as unknown as Database, id);
      });
      const created = await get(id);
      if (!created) throw new Error('experiment insert returned no row');
      return created;
    },

    /** Newest first, by dataset and/or workflow. */
    async list(filter: { datasetId?: string; workflowId?: string } = {}): Promise<Experiment[]> {
      const where = [];
      if (filter.datasetId) where.push(eq(experiments.datasetId, filter.datasetId));
      if (filter.workflowId) where.push(eq(experiments.workflowId, filter.workflowId));
      const rows = await db
        .select()
        .from(experiments)
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(experiments.createdAt), desc(experiments.id))
        .limit(200);
      const c = await counts(rows.map((r) => r.id));
      return rows.map((r) => toExperiment(r, c.get(r.id) ?? none));
    },

    async results(experimentId: string): Promise<CaseResult[]> {
      const rows = await db
        .select()
        .from(experimentResults)
        .where(eq(experimentResults.experimentId, experimentId))
        .orderBy(asc(experimentResults.position));
      return rows.map(toResult);
    },

    async result(experimentId: string, caseId: string): Promise<CaseResult | undefined> {
      const [row] = await db
        .select()
        .from(experimentResults)
        .where(and(eq(experimentResults.experimentId, experimentId), eq(experimentResults.caseId, caseId)));
      return row ? toResult(row) : undefined;
    },

    /** The case's run was accepted: `running`, one more attempt, the previous verdict cleared. */
    async caseStarted(experimentId: string, caseId: string, run: { runId: string; threadId: string }): Promise<void> {
      await db
        .update(experimentResults)
        .set({
          status: 'running',
          runId: run.runId,
          threadId: run.threadId,
          runStatus: null,
          score: null,
          reason: null,
          results: [],
          costUsd: null,
          tokens: null,
          durationMs: null,
          error: null,
          attempts: sql`${experimentResults.attempts} + 1`,
          updatedAt: new Date(),
        })
        .where(and(eq(experimentResults.experimentId, experimentId), eq(experimentResults.caseId, caseId)));
    },

    async caseFinished(experimentId: string, caseId: string, outcome: CaseOutcome): Promise<void> {
      await db
        .update(experimentResults)
        .set({
          status: outcome.status,
          runStatus: outcome.runStatus,
          score: outcome.score,
          reason: textSafe(outcome.reason),
          results: jsonSafe(outcome.results),
          costUsd: outcome.costUsd,
          tokens: outcome.tokens,
          durationMs: outcome.durationMs,
          error: outcome.error ? jsonSafe(outcome.error) : null,
          updatedAt: new Date(),
        })
        .where(and(eq(experimentResults.experimentId, experimentId), eq(experimentResults.caseId, caseId)));
    },

    /** Results changed at or after `since` (a watcher's catch-up), in case order. */
    async resultsSince(experimentId: string, since: Date): Promise<CaseResult[]> {
      const rows = await db
        .select()
        .from(experimentResults)
        .where(and(eq(experimentResults.experimentId, experimentId), gte(experimentResults.updatedAt, since)))
        .orderBy(asc(experimentResults.position));
      return rows.map(toResult);
    },

    /**
     * Takes the experiment to drive it: only a running one, free or whose driver's lease ran out.
     * `false` when a live driver holds it (this process's included) or it has ended.
     */
    async claim(id: string, driver: string, leaseSeconds: number): Promise<boolean> {
      const rows = await db
        .update(experiments)
        .set({ driver, leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})` })
        .where(
          and(
            eq(experiments.id, id),
            eq(experiments.status, 'running'),
            or(sql`${experiments.driver} is null`, lt(experiments.leaseUntil, sql`now()`)),
          ),
        )
        .returning({ id: experiments.id });
      return rows.length > 0;
    },

    /** The driver's heartbeat: renews its leases; returns the experiments it still holds. */
    async renew(driver: string, leaseSeconds: number): Promise<string[]> {
      const rows = await db
        .update(experiments)
        .set({ leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds})` })
        .where(and(eq(experiments.driver, driver), eq(experiments.status, 'running')))
        .returning({ id: experiments.id });
      return rows.map((r) => r.id);
    },

    /** Running experiments whose driver's lease ran out (its process died or stalled). */
    async findExpired(): Promise<{ id: string; leaseUntil: Date }[]> {
      const rows = await db
        .select({ id: experiments.id, leaseUntil: experiments.leaseUntil })
        .from(experiments)
        .where(
          and(eq(experiments.status, 'running'), isNotNull(experiments.driver), lt(experiments.leaseUntil, sql`now()`)),
        );
      return rows.flatMap((r) => (r.leaseUntil ? [{ id: r.id, leaseUntil: r.leaseUntil }] : []));
    },

    /**
     * Frees the experiment for another driver (compare-and-set on the driver, or on the expired
     * lease a reaper read); `alsoInTx` (its next job) runs in the same transaction. `false` when lost.
     */
    async release(
      id: string,
      expect: { driver: string } | { leaseUntil: Date },
      alsoInTx?: (tx: Database) => Promise<void>,
    ): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(experiments)
          .set({ driver: null, leaseUntil: null })
          .where(
            and(
              eq(experiments.id, id),
              eq(experiments.status, 'running'),
              'driver' in expect
                ? eq(experiments.driver, expect.driver)
                : eq(experiments.leaseUntil, expect.leaseUntil),
            ),
          )
          .returning({ id: experiments.id });
        if (rows.length === 0) return false;
        await alsoInTx?.(tx as unknown as Database);
        return true;
      });
    },

    /**
     * Marks a running experiment completed once no case is pending or running (compare-and-set:
     * `false` when a case was queued again meanwhile, e.g. a re-run).
     */
    async complete(id: string): Promise<boolean> {
      const rows = await db
        .update(experiments)
        .set({ status: 'completed', finishedAt: new Date(), driver: null, leaseUntil: null })
        .where(
          and(
            eq(experiments.id, id),
            eq(experiments.status, 'running'),
            sql`not exists (select 1 from ${experimentResults} where ${experimentResults.experimentId} = ${id} and ${experimentResults.status} in ('pending', 'running'))`,
          ),
        )
        .returning({ id: experiments.id });
      return rows.length > 0;
    },

    /**
     * Re-opens a case for a new run in one transaction: the experiment running again, the case
     * `running` with its new run and one more attempt; `alsoInTx` (the experiment's job) inside it.
     */
    async reopenCase(
      experimentId: string,
      caseId: string,
      run: { runId: string; threadId: string },
      alsoInTx?: (tx: Database) => Promise<void>,
    ): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .update(experiments)
          .set({ status: 'running', finishedAt: null })
          .where(eq(experiments.id, experimentId));
        await createExperimentsRepo(tx as unknown as Database).caseStarted(experimentId, caseId, run);
        await alsoInTx?.(tx as unknown as Database);
      });
    },

    /** The stored status of each of these runs (one query for every case run a driver waits for). */
    async runStatuses(runIds: string[]): Promise<Map<string, string>> {
      if (runIds.length === 0) return new Map();
      const rows = await db.select({ id: runs.id, status: runs.status }).from(runs).where(inArray(runs.id, runIds));
      return new Map(rows.map((r) => [r.id, r.status]));
    },

    /** Tells API processes the experiment's results changed (NOTIFY; watchers read what changed). */
    async notifyProgress(id: string): Promise<void> {
      await db.execute(sql`select pg_notify(${EXPERIMENT_PROGRESS_CHANNEL}, ${id})`);
    },

    async setStatus(id: string, status: ExperimentStatus): Promise<void> {
      await db
        .update(experiments)
        .set({ status, finishedAt: status === 'running' ? null : new Date() })
        .where(eq(experiments.id, id));
    },

    async delete(id: string): Promise<boolean> {
      const rows = await db.delete(experiments).where(eq(experiments.id, id)).returning({ id: experiments.id });
      return rows.length > 0;
    },
  };
}

export type ExperimentsRepo = ReturnType<typeof createExperimentsRepo>;
