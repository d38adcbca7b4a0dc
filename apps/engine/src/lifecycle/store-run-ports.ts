import { InvalidDocumentError, WorkflowDocument } from '@flowcraft/schema';
import type { TokenUsage, TraceEvent } from '@flowcraft/schema';
import type { Run, Store } from '../store/index.js';
import { toStoredEvent } from '../store/event-codec.js';
import type { NewRun, RunChange, RunExpectation, RunPorts, RunRecord } from './ports.js';

/** `RunPorts` over the store's repositories (PGlite or Postgres) and its `DrizzleSaver`. */
export class StoreRunPorts implements RunPorts {
  readonly checkpointer: Store['checkpointer'];

  constructor(private readonly store: Store) {
    this.checkpointer = store.checkpointer;
  }

  async getVersion(workflowId: string, version?: number) {
    const row = await this.store.workflows.getVersion(workflowId, version);
    if (!row.valid) throw new InvalidDocumentError(row.problems);
    return { version: row.version, document: WorkflowDocument.parse(row.document) };
  }

  async createThread(workflowId: string, threadId?: string): Promise<string> {
    if (threadId !== undefined && (await this.store.threads.find(threadId)) !== undefined) return threadId;
    return (await this.store.threads.create({ id: threadId, workflowId })).id;
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    const row = await this.store.runs.create({
      id: run.id,
      threadId: run.threadId,
      workflowId: run.workflowId,
      workflowVersion: run.workflowVersion,
      input: run.input,
      command: run.command,
      ...(run.breakpoints ? { breakpoints: run.breakpoints } : {}),
      ...(run.forkedFrom ? { forkedFrom: run.forkedFrom } : {}),
    });
    return toRunRecord(row);
  }

  async getRun(runId: string): Promise<RunRecord> {
    return toRunRecord(await this.store.runs.get(runId));
  }

  async transition(runId: string, expect: RunExpectation, change: RunChange): Promise<RunRecord | undefined> {
    const row = await this.store.runs.transition(runId, expect, change);
    return row === undefined ? undefined : toRunRecord(row);
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
    await this.store.runEvents.appendMany(
      first.runId,
      events.map((e) => ({ ...toStoredEvent(e), seq: e.seq })),
    );
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
  };
}
