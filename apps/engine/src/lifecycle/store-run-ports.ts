import { InvalidDocumentError, WorkflowDocument } from '@flowcraft/schema';
import type { TokenUsage, TraceEvent } from '@flowcraft/schema';
import { sql } from 'drizzle-orm';
import type { Database, Run, Store } from '../store/index.js';
import { toStoredEvent } from '../store/event-codec.js';
import { createRunsRepo, runFromRow } from '../store/repos/runs-repo.js';
import { resultRows } from '../store/repos/run-events-repo.js';
import type { CreateRun } from '../store/repos/runs-repo.js';
import type { ClaimWithFetch, RunQueue } from '../queue/run-queue.js';
import type { NewRun, QueueSignal, RunChange, RunExpectation, RunLeases, RunPorts, RunRecord } from './ports.js';

/** The NOTIFY channel on which a cancel of a running run reaches the worker executing it. */
export const RUN_CANCEL_CHANNEL = 'flowcraft_run_cancel';

/** Pinned workflow versions kept parsed per process (most recently added kept). */
const VERSION_CACHE_SIZE = 256;

/**
 * `RunPorts` over the store's repositories (PGlite or Postgres) and its `DrizzleSaver`. With a
 * durable `queue`, a created run and every transition into `queued` add the run's job in the same
 * transaction as the row change.
 */
export class StoreRunPorts implements RunPorts {
  readonly checkpointer: Store['checkpointer'];
  readonly queue?: QueueSignal;
  readonly leases?: RunLeases;
  private readonly versions = new Map<string, { version: number; document: WorkflowDocument }>();

  constructor(
    private readonly store: Store,
    private readonly runQueue?: RunQueue,
  ) {
    this.checkpointer = store.checkpointer;
    if (runQueue) {
      const db = store.db;
      this.queue = {
        wake: () => runQueue.wake(),
        cancelRequested: async (runId) => {
          await db.execute(sql`select pg_notify(${RUN_CANCEL_CHANNEL}, ${runId})`);
        },
      };
      const runs = store.runs;
      this.leases = {
        renew: (owner, leaseSeconds, executing) => runs.renewLeases(owner, leaseSeconds, executing),
        findExpired: async (limit) => (await runs.findExpiredLeases(limit)).map(toRunRecord),
        findOwnedBy: async (owner) => (await runs.findOwnedBy(owner)).map(toRunRecord),
        findUnclaimed: async (olderThanSeconds) => {
          const held = await runQueue.heldSince(olderThanSeconds);
          const found: { run: RunRecord; jobId: string }[] = [];
          for (const { jobId, runId } of held) {
            const run = await runs.find(runId);
            if (run?.status === 'queued') found.push({ run: toRunRecord(run), jobId });
          }
          return found;
        },
        retireJobs: (jobIds) => runQueue.retire(jobIds),
      };
    }
  }

  /** Runs `change` on the runs table; with a queue, inside a transaction that also adds the job when the run ends up queued. */
  private async withJob(
    change: (runs: ReturnType<typeof createRunsRepo>, db: Database) => Promise<Run | undefined>,
  ): Promise<Run | undefined> {
    const queue = this.runQueue;
    if (queue === undefined) return change(this.store.runs, this.store.db);
    return this.store.db.transaction(async (tx) => {
      const row = await change(createRunsRepo(tx as unknown as Database), tx as unknown as Database);
      if (row?.status === 'queued') await queue.enqueue(tx as unknown as Database, row.id);
      return row;
    });
  }

  async getVersion(workflowId: string, version?: number) {
    // A saved version never changes (ids are never reused): each is read and parsed once per process;
    // the latest costs a read of its number.
    const pinned = version ?? (await this.store.workflows.currentVersion(workflowId));
    const cached = this.versions.get(`${pinned} ${workflowId}`);
    if (cached) return cached;
    const row = await this.store.workflows.getVersion(workflowId, pinned);
    if (!row.valid) throw new InvalidDocumentError(row.problems);
    const found = { version: row.version, document: WorkflowDocument.parse(row.document) };
    if (this.versions.size >= VERSION_CACHE_SIZE) {
      const oldest = this.versions.keys().next().value;
      if (oldest !== undefined) this.versions.delete(oldest);
    }
    this.versions.set(`${row.version} ${workflowId}`, found);
    return found;
  }

  async createThread(workflowId: string, threadId?: string): Promise<string> {
    if (threadId !== undefined && (await this.store.threads.find(threadId)) !== undefined) return threadId;
    return (await this.store.threads.create({ id: threadId, workflowId })).id;
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    const values: CreateRun = {
      id: run.id,
      threadId: run.threadId,
      newThread: run.newThread,
      workflowId: run.workflowId,
      workflowVersion: run.workflowVersion,
      input: run.input,
      command: run.command,
      ...(run.breakpoints ? { breakpoints: run.breakpoints } : {}),
      ...(run.forkedFrom ? { forkedFrom: run.forkedFrom } : {}),
    };
    const queue = this.runQueue;
    if (queue?.jobStatement !== undefined && this.store.pipeline) {
      // The run, its new thread, its job and the NOTIFY that wakes workers: ONE statement (atomic
      // without BEGIN/COMMIT), one round trip. Was a transaction of five statements, pipelined.
      const job = await queue.jobStatement(run.id);
      const row = await this.store.runs.create(values, { statements: [job.insert], notify: job.wakeChannel });
      return toRunRecord(row);
    }
    const row = await this.withJob((runs) => runs.create(values));
    if (row === undefined) throw new Error('insert returned no row');
    return toRunRecord(row);
  }

  async getRun(runId: string): Promise<RunRecord> {
    return toRunRecord(await this.store.runs.get(runId));
  }

  async transition(runId: string, expect: RunExpectation, change: RunChange): Promise<RunRecord | undefined> {
    const row =
      change.status === 'queued'
        ? await this.withJob((runs) => runs.transition(runId, expect, change))
        : await this.store.runs.transition(runId, expect, change);
    return row === undefined ? undefined : toRunRecord(row);
  }

  claimWithFetch(expect: RunExpectation, change: RunChange): ClaimWithFetch<RunRecord> {
    return async (fetch) => {
      const result = await this.store.db.execute(this.store.runs.claimFetched(fetch, expect, change));
      return resultRows(result).map((row) => ({
        jobId: String(row.fc_job_id),
        runId: String(row.fc_run_id),
        ...(row.id === null || row.id === undefined ? {} : { claimed: toRunRecord(runFromRow(row)) }),
      }));
    };
  }

  async addUsage(runId: string, tokens: TokenUsage): Promise<void> {
    if (tokens.input === 0 && tokens.output === 0 && (tokens.costUsd ?? 0) === 0) return;
    await this.store.runs.addUsage(runId, {
      tokensIn: tokens.input,
      tokensOut: tokens.output,
      cost: tokens.costUsd ?? 0,
    });
  }

  async findUnfinished(): Promise<RunRecord[]> {
    return (await this.store.runs.findRunning()).map(toRunRecord);
  }

  async appendEvents(events: TraceEvent[]): Promise<void> {
    const first = events[0];
    if (!first) return;
    await this.store.appendEventsGrouped(
      first.runId,
      events.map((e) => ({ ...toStoredEvent(e), seq: e.seq })),
    );
  }

  async appendEventsWith(
    runId: string,
    events: TraceEvent[],
    write: (target: unknown) => Promise<void>,
    storedSeq?: number,
  ): Promise<void> {
    await this.store.commitEventsWithWrite(
      runId,
      events.map((e) => ({ ...toStoredEvent(e), seq: e.seq })),
      write,
      storedSeq,
    );
  }

  async transitionWithEvents(
    runId: string,
    expect: RunExpectation,
    change: RunChange,
    events: TraceEvent[],
  ): Promise<RunRecord | undefined> {
    if (change.status === 'queued') throw new Error('transitionWithEvents: a final transition never queues the run');
    const moved = await this.store.transitionWithEvents(
      runId,
      expect,
      change,
      events.map((e) => ({ ...toStoredEvent(e), seq: e.seq })),
    );
    return moved === undefined ? undefined : toRunRecord(moved);
  }

  async lastSeq(runId: string): Promise<number> {
    return this.store.runEvents.lastSeq(runId);
  }
}

/** A `runs` row as the lifecycle's record. */
export function toRunRecord(row: Run): RunRecord {
  return {
    id: row.id,
    threadId: row.threadId,
    workflowId: row.workflowId,
    workflowVersion: row.workflowVersion,
    status: row.status,
    input: row.input,
    ...(row.output === null ? {} : { output: row.output }),
    ...(row.error === null ? {} : { error: row.error }),
    ...(row.forkedFrom === null ? {} : { forkedFrom: row.forkedFrom }),
    tokens: { input: row.tokensIn, output: row.tokensOut, ...(row.cost > 0 ? { costUsd: row.cost } : {}) },
    interrupts: row.status === 'interrupted' ? row.interrupts : [],
    paused: row.status === 'interrupted' ? row.paused : null,
    breakpoints: row.breakpoints,
    command: row.command,
    revision: row.revision,
    attempt: row.attempt,
    recoveries: row.recoveries,
    cancelRequested: row.cancelRequested,
    ...(row.worker === null ? {} : { worker: row.worker }),
    lastEventSeq: row.lastEventSeq,
  };
}
