import { and, desc, eq } from 'drizzle-orm';
import { FlowError, InvalidDocumentError, WorkflowDocument } from '@flowcraft/schema';
import type { TraceEvent } from '@flowcraft/schema';
import type { RunPorts, RunRecord } from './ports.js';
import { tables } from '../store/index.js';
import type { Run, Store } from '../store/index.js';
import { isRecord, toStoredEvent } from './event-codec.js';

type Interrupts = NonNullable<RunRecord['interrupts']>;
type Paused = { next: string[]; checkpointId: string };

/** `RunPorts` over the store's repositories (PGlite or Postgres) and its `DrizzleSaver`. */
export class StoreRunPorts implements RunPorts {
  readonly checkpointer: Store['checkpointer'];
  /** Pending interrupts of interrupted runs, set by `updateRun`; after a restart they are read from the `run.interrupted` event. */
  private readonly interrupts = new Map<string, { interrupts: Interrupts; paused: Paused | null }>();

  constructor(private readonly store: Store) {
    this.checkpointer = store.checkpointer;
  }

  async getVersion(workflowId: string, version?: number) {
    const row = await this.store.workflows.getVersion(workflowId, version);
    if (!row.valid) throw new InvalidDocumentError(row.problems);
    return { version: row.version, document: WorkflowDocument.parse(row.document), valid: row.valid };
  }

  async createThread(workflowId: string, threadId?: string): Promise<string> {
    if (threadId !== undefined && (await this.store.threads.find(threadId)) !== undefined) return threadId;
    return (await this.store.threads.create({ id: threadId, workflowId })).id;
  }

  async createRun(run: Omit<RunRecord, 'status'>): Promise<RunRecord> {
    const row = await this.store.runs.create({
      id: run.id,
      threadId: run.threadId,
      workflowId: run.workflowId,
      workflowVersion: run.workflowVersion,
      input: run.input,
      ...(run.forkedFrom ? { forkedFrom: run.forkedFrom } : {}),
    });
    return this.toRecord(row);
  }

  async getRun(runId: string): Promise<RunRecord> {
    return this.toRecord(await this.store.runs.get(runId));
  }

  async updateRun(runId: string, patch: Partial<Omit<RunRecord, 'id' | 'threadId'>>): Promise<void> {
    // After a restart the interruption is read back from the run's last `run.interrupted` event.
    if (patch.status === 'interrupted')
      this.interrupts.set(runId, { interrupts: patch.interrupts ?? [], paused: patch.paused ?? null });
    else if (patch.status !== undefined || patch.interrupts !== undefined) this.interrupts.delete(runId);
    await this.store.runs.update(runId, {
      ...(patch.status === undefined ? {} : { status: patch.status }),
      ...(patch.output === undefined ? {} : { output: patch.output }),
      ...(patch.error === undefined ? {} : { error: patch.error }),
    });
    // Each execution (start, resume, recovery) reports its own usage: add it to the run's totals.
    if (
      patch.tokens !== undefined &&
      (patch.tokens.input > 0 || patch.tokens.output > 0 || (patch.tokens.costUsd ?? 0) > 0)
    ) {
      await this.store.runs.addUsage(runId, {
        tokensIn: patch.tokens.input,
        tokensOut: patch.tokens.output,
        cost: patch.tokens.costUsd ?? 0,
      });
    }
  }

  async findUnfinished(): Promise<RunRecord[]> {
    return Promise.all((await this.store.runs.findRunning()).map((row) => this.toRecord(row)));
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

  async breakpointsOf(runId: string): Promise<{ before: string[]; after: string[] } | undefined> {
    const e = tables.runEvents;
    const [started] = await this.store.db
      .select({ payload: e.payload })
      .from(e)
      .where(and(eq(e.runId, runId), eq(e.type, 'run.started')))
      .orderBy(e.seq)
      .limit(1);
    const b = isRecord(started?.payload) ? started.payload.breakpoints : undefined;
    if (!isRecord(b)) return undefined;
    const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    return { before: ids(b.before), after: ids(b.after) };
  }

  /** Pending interrupts of a run (empty unless it is interrupted). */
  async pendingInterrupts(row: Run): Promise<Interrupts> {
    return (await this.interruption(row)).interrupts;
  }

  /** Where an interrupted run with no pending interrupts is paused (a breakpoint or a step); null otherwise. */
  async pausedAt(row: Run): Promise<Paused | null> {
    return (await this.interruption(row)).paused;
  }

  private async interruption(row: Run): Promise<{ interrupts: Interrupts; paused: Paused | null }> {
    if (row.status !== 'interrupted') return { interrupts: [], paused: null };
    const cached = this.interrupts.get(row.id);
    if (cached !== undefined) return cached;
    const e = tables.runEvents;
    const [last] = await this.store.db
      .select({ payload: e.payload })
      .from(e)
      .where(and(eq(e.runId, row.id), eq(e.type, 'run.interrupted')))
      .orderBy(desc(e.seq))
      .limit(1);
    const list = isRecord(last?.payload) && Array.isArray(last.payload.interrupts) ? last.payload.interrupts : [];
    const interrupts: Interrupts = [];
    for (const item of list) {
      if (!isRecord(item) || typeof item.id !== 'string') continue;
      interrupts.push({
        id: item.id,
        ...(typeof item.nodeId === 'string' ? { nodeId: item.nodeId } : {}),
        value: item.value,
      });
    }
    const p = isRecord(last?.payload) ? last.payload.paused : undefined;
    const paused =
      isRecord(p) && typeof p.checkpointId === 'string' && Array.isArray(p.next)
        ? { checkpointId: p.checkpointId, next: p.next.filter((n): n is string => typeof n === 'string') }
        : null;
    const found = { interrupts, paused };
    this.interrupts.set(row.id, found);
    return found;
  }

  private async toRecord(row: Run): Promise<RunRecord> {
    return {
      id: row.id,
      threadId: row.threadId,
      workflowId: row.workflowId,
      workflowVersion: row.workflowVersion,
      status: row.status,
      input: row.input,
      ...(row.output === null ? {} : { output: row.output }),
      ...(row.error === null ? {} : { error: row.error }),
      tokens: { input: row.tokensIn, output: row.tokensOut, ...(row.cost > 0 ? { costUsd: row.cost } : {}) },
      ...(await this.interruption(row)),
    };
  }
}
