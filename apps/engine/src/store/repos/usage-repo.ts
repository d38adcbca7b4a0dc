import { and, eq, gte, inArray, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db.js';
import { ACTIVE_RUN_STATUSES, runEvents, runs } from '../schema/index.js';

/** Dimensions usage can be grouped by. */
export const USAGE_DIMENSIONS = ['day', 'workflow', 'run', 'node', 'model'] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

export interface UsageFilter {
  workflowId?: string;
  runId?: string;
  nodeId?: string;
  /** Inclusive start and exclusive end of the time range (model call end times). */
  from?: Date;
  to?: Date;
  groupBy?: UsageDimension[];
}

export interface UsageRow {
  /** UTC date `YYYY-MM-DD` when grouped by day. */
  day?: string;
  workflowId?: string;
  runId?: string;
  nodeId?: string;
  model?: string;
  calls: number;
  input: number;
  output: number;
  cached: number;
  cacheWrite: number;
  /** US dollars of the priced calls. */
  costUsd: number;
  /** Calls of models without a price (their cost is not in `costUsd`). */
  unpricedCalls: number;
}

// Keys are constants of this file, inlined so SELECT and GROUP BY expressions are identical.
const data = (key: 'model' | 'input' | 'output' | 'cached' | 'cacheWrite' | 'costUsd') =>
  sql`(${runEvents.payload}->'data'->>${sql.raw(`'${key}'`)})`;
const isModelCall = and(eq(runEvents.type, 'node.progress'), sql`${runEvents.payload}->>'kind' = 'model_call'`);

/**
 * Token and cost accounting, computed in SQL from the stored trace: every model call is one
 * `node.progress` event of kind `model_call` (model, tokens, cost), so usage can be summed by day,
 * workflow, run, node and model, for finished and failed runs alike.
 */
export function createUsageRepo(db: Database) {
  const dims: Record<UsageDimension, SQL> = {
    day: sql`to_char(${runEvents.ts} at time zone 'UTC', 'YYYY-MM-DD')`,
    workflow: sql`${runs.workflowId}`,
    run: sql`${runEvents.runId}`,
    node: sql`${runEvents.nodeId}`,
    model: sql`coalesce(${data('model')}, '')`,
  };
  const totals = {
    calls: sql<number>`count(*)::int`,
    input: sql<number>`coalesce(sum(${data('input')}::float8), 0)::float8`,
    output: sql<number>`coalesce(sum(${data('output')}::float8), 0)::float8`,
    cached: sql<number>`coalesce(sum(${data('cached')}::float8), 0)::float8`,
    cacheWrite: sql<number>`coalesce(sum(${data('cacheWrite')}::float8), 0)::float8`,
    costUsd: sql<number>`coalesce(sum(${data('costUsd')}::float8), 0)::float8`,
    unpricedCalls: sql<number>`(count(*) filter (where ${data('costUsd')} is null))::int`,
  };

  async function sum(where: SQL | undefined): Promise<{ tokens: number; costUsd: number }> {
    const [row] = await db
      .select({ input: totals.input, output: totals.output, costUsd: totals.costUsd })
      .from(runEvents)
      .innerJoin(runs, eq(runs.id, runEvents.runId))
      .where(and(isModelCall, where));
    return { tokens: Number(row?.input ?? 0) + Number(row?.output ?? 0), costUsd: roundUsd(Number(row?.costUsd ?? 0)) };
  }

  return {
    /** Usage rows grouped by the given dimensions (none → one total row), largest cost first. */
    async query(filter: UsageFilter = {}): Promise<UsageRow[]> {
      const groupBy = [...new Set(filter.groupBy ?? [])];
      const keys: Record<string, SQL> = {};
      for (const d of groupBy) keys[d] = dims[d];
      const rows = await db
        .select({ ...keys, ...totals })
        .from(runEvents)
        .innerJoin(runs, eq(runs.id, runEvents.runId))
        .where(
          and(
            isModelCall,
            filter.workflowId === undefined ? undefined : eq(runs.workflowId, filter.workflowId),
            filter.runId === undefined ? undefined : eq(runEvents.runId, filter.runId),
            filter.nodeId === undefined ? undefined : eq(runEvents.nodeId, filter.nodeId),
            filter.from === undefined ? undefined : gte(runEvents.ts, filter.from),
            filter.to === undefined ? undefined : lt(runEvents.ts, filter.to),
          ),
        )
        .groupBy(...groupBy.map((d) => dims[d]))
        .orderBy(sql`${totals.costUsd} desc`, ...groupBy.map((d) => dims[d]));
      return rows.map((r) => {
        const rec: Record<string, unknown> = r;
        const out: UsageRow = {
          calls: Number(r.calls),
          input: Number(r.input),
          output: Number(r.output),
          cached: Number(r.cached),
          cacheWrite: Number(r.cacheWrite),
          costUsd: roundUsd(Number(r.costUsd)),
          unpricedCalls: Number(r.unpricedCalls),
        };
        for (const d of groupBy) {
          const v = rec[d];
          const text = v === null || v === undefined ? '' : String(v);
          if (d === 'day') out.day = text;
          else if (d === 'workflow') out.workflowId = text;
          else if (d === 'run') out.runId = text;
          else if (d === 'node') out.nodeId = text;
          else out.model = text;
        }
        return out;
      });
    },

    /** The queued or running run of a thread and what its stored model calls used (budget baseline). */
    async runUsage(threadId: string): Promise<{ runId?: string; tokens: number; costUsd: number }> {
      const [run] = await db
        .select({ id: runs.id })
        .from(runs)
        .where(and(eq(runs.threadId, threadId), inArray(runs.status, [...ACTIVE_RUN_STATUSES])));
      if (run === undefined) return { tokens: 0, costUsd: 0 };
      return { runId: run.id, ...(await sum(eq(runEvents.runId, run.id))) };
    },

    /** Cost of a workflow's model calls since `since` (default 00:00 UTC today), without one run's. */
    async workflowCostSince(workflowId: string, opts: { since?: Date; excludeRunId?: string } = {}): Promise<number> {
      const since = opts.since ?? startOfUtcDay(new Date());
      const spent = await sum(
        and(
          eq(runs.workflowId, workflowId),
          gte(runEvents.ts, since),
          opts.excludeRunId === undefined ? undefined : ne(runEvents.runId, opts.excludeRunId),
        ),
      );
      return spent.costUsd;
    },
  };
}

export type UsageRepo = ReturnType<typeof createUsageRepo>;

export function startOfUtcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

function roundUsd(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}
