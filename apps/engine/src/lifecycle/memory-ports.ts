import { MemorySaver } from '@langchain/langgraph';
import { FlowError, WorkflowDocument } from '@flowcraft/schema';
import type { TraceEvent } from '@flowcraft/schema';
import type { RunPorts, RunRecord } from './ports.js';

/** In-memory `RunPorts` for tests and the CLI-sized use cases. */
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
    return { version: v, document, valid: true };
  }

  async createThread(workflowId: string, threadId?: string): Promise<string> {
    const id = threadId ?? `thread-${this.threads.size + 1}`;
    this.threads.set(id, workflowId);
    return id;
  }

  async createRun(run: Omit<RunRecord, 'status'>): Promise<RunRecord> {
    for (const r of this.runs.values()) {
      if (r.threadId === run.threadId && (r.status === 'queued' || r.status === 'running')) {
        throw new FlowError('conflict', `Thread ${run.threadId} already has an active run (${r.id})`);
      }
    }
    const record: RunRecord = { ...run, status: 'queued' };
    this.runs.set(run.id, record);
    return { ...record };
  }

  async getRun(runId: string): Promise<RunRecord> {
    const r = this.runs.get(runId);
    if (!r) throw new FlowError('not_found', `Run ${runId} not found`);
    return { ...r };
  }

  async updateRun(runId: string, patch: Partial<Omit<RunRecord, 'id' | 'threadId'>>): Promise<void> {
    const r = this.runs.get(runId);
    if (!r) throw new FlowError('not_found', `Run ${runId} not found`);
    this.runs.set(runId, { ...r, ...patch });
  }

  async findUnfinished(): Promise<RunRecord[]> {
    return [...this.runs.values()].filter((r) => r.status === 'queued' || r.status === 'running');
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
}
