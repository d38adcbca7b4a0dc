import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { CaseResult, ErrorInfo, EvaluatorResult, Experiment, ExperimentStatus } from '@flowcraft/schema';
import type { Database } from '../db.js';
import { jsonSafe, textSafe } from '../json-safe.js';
import { experimentResults, experiments } from '../schema/index.js';

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

    /** The experiment and one pending result per case, in one transaction. */
    async create(input: NewExperiment): Promise<Experiment> {
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
