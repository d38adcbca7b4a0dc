import { MemorySaver } from '@langchain/langgraph';
import { ACTIVE_RUN_STATUSES, FlowError, WorkflowDocument } from '@flowcraft/schema';
import type { RunStatus, TokenUsage, TraceEvent } from '@flowcraft/schema';
import type { NewRun, RunChange, RunExpectation, RunPorts, RunRecord } from './ports.js';

const isActive = (status: RunStatus) => (ACTIVE_RUN_STATUSES as readonly RunStatus[]).includes(status);

/** In-memory `RunPorts` for tests and the CLI; the same semantics as the database (`ports.conformance.ts`). */
export class MemoryRunPorts implements RunPorts {
  readonly workflows = new Map<string, WorkflowDocument[]>();
  readonly threads = new Map<string, string>();
  readonly runs = new Map<string, RunRecord>();
  readonly events = new Map<string, TraceEvent[]>();
  checkpointer = new MemorySaver();

  addWorkflow(doc: unknown): WorkflowDocument {
    const parsed = WorkflowDocument.parse(doc);
    this.workflows.set(parsed.id, [...(this.workflows.get(parsed.id) ?? []), parsed]);
    return parsed;
  }

  async getVersion(workflowId: string, version?: number) {
    const versions = this.workflows.get(workflowId);
    const v = version ?? versions?.length ?? 0;
    const document = versions?.[v - 1];
    if (!document) throw new FlowError('not_found', `Workflow ${workflowId} version ${version ?? 'latest'} not found`);
    return { version: v, document };
  }

  async createThread(workflowId: string, threadId?: string): Promise<string> {
    const id = threadId ?? `thread-${this.threads.size + 1}`;
    if (!this.threads.has(id)) this.threads.set(id, workflowId);
    return id;
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    if (this.runs.has(run.id)) throw new FlowError('conflict', `Run ${run.id} already exists`);
    if (run.newThread) await this.createThread(run.workflowId, run.threadId);
    this.assertThreadFree(run.threadId, run.id);
    const record: RunRecord = {
      id: run.id,
      threadId: run.threadId,
      workflowId: run.workflowId,
      workflowVersion: run.workflowVersion,
      input: run.input,
      status: 'queued',
      ...(run.forkedFrom ? { forkedFrom: run.forkedFrom } : {}),
      tokens: { input: 0, output: 0 },
      interrupts: [],
      paused: null,
      breakpoints: run.breakpoints ?? null,
      command: run.command,
      revision: 0,
      attempt: 0,
      recoveries: 0,
      cancelRequested: false,
    };
    this.runs.set(run.id, record);
    return structuredClone(record);
  }

  async getRun(runId: string): Promise<RunRecord> {
    const r = this.runs.get(runId);
    if (!r) throw new FlowError('not_found', `Run ${runId} not found`);
    return structuredClone(r);
  }

  async transition(runId: string, expect: RunExpectation, change: RunChange): Promise<RunRecord | undefined> {
    const r = this.runs.get(runId);
    if (!r || !expect.from.includes(r.status)) return undefined;
    if (expect.revision !== undefined && r.revision !== expect.revision) return undefined;
    if (expect.attempt !== undefined && r.attempt !== expect.attempt) return undefined;
    if (expect.claimableBelow !== undefined && (r.cancelRequested || r.recoveries >= expect.claimableBelow))
      return undefined;
    if (change.status !== undefined && isActive(change.status) && !isActive(r.status))
      this.assertThreadFree(r.threadId, r.id);
    const next: RunRecord = {
      ...r,
      ...(change.status === undefined ? {} : { status: change.status }),
      ...(change.output === undefined ? {} : { output: change.output }),
      ...(change.error === undefined || change.error === null ? {} : { error: change.error }),
      ...(change.command === undefined ? {} : { command: change.command }),
      ...(change.interrupts === undefined ? {} : { interrupts: change.interrupts }),
      ...(change.paused === undefined ? {} : { paused: change.paused }),
      ...(change.cancelRequested === undefined ? {} : { cancelRequested: change.cancelRequested }),
      ...(change.claimBy === undefined ? {} : { attempt: r.attempt + 1 }),
      ...(change.recovered ? { recoveries: r.recoveries + 1 } : {}),
      revision: r.revision + 1,
    };
    if (change.error === null) delete next.error;
    if (change.usage) next.tokens = addTokens(r.tokens, change.usage);
    this.runs.set(runId, next);
    const out = structuredClone(next);
    if (out.status !== 'interrupted') {
      out.interrupts = [];
      out.paused = null;
    }
    return out;
  }

  async addUsage(runId: string, tokens: TokenUsage): Promise<void> {
    const r = this.runs.get(runId);
    if (!r) throw new FlowError('not_found', `Run ${runId} not found`);
    r.tokens = addTokens(r.tokens, tokens);
  }

  async findUnfinished(): Promise<RunRecord[]> {
    return [...this.runs.values()].filter((r) => isActive(r.status)).map((r) => structuredClone(r));
  }

  async appendEvents(events: TraceEvent[]): Promise<void> {
    const first = events[0];
    if (!first) return;
    const list = this.events.get(first.runId) ?? [];
    let last = list.at(-1)?.seq ?? 0;
    for (const e of events) {
      if (e.runId !== first.runId || e.seq !== last + 1)
        throw new FlowError('conflict', `Event seq ${e.seq} does not follow ${last} for run ${e.runId}`);
      last = e.seq;
    }
    list.push(...events);
    this.events.set(first.runId, list);
  }

  async lastSeq(runId: string): Promise<number> {
    return this.events.get(runId)?.at(-1)?.seq ?? 0;
  }

  private assertThreadFree(threadId: string, runId: string): void {
    for (const other of this.runs.values()) {
      if (other.id !== runId && other.threadId === threadId && isActive(other.status))
        throw new FlowError('conflict', `Thread ${threadId} already has an active run (${other.id})`);
    }
  }
}

function addTokens(t: TokenUsage = { input: 0, output: 0 }, more: TokenUsage): TokenUsage {
  const cost = (t.costUsd ?? 0) + (more.costUsd ?? 0);
  return { input: t.input + more.input, output: t.output + more.output, ...(cost > 0 ? { costUsd: cost } : {}) };
}
