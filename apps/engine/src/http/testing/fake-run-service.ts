import { FlowError, InvalidDocumentError } from '@flowcraft/schema';
import type { RunService, WorkflowStore } from '../deps.js';
import type { Page } from '../schemas/common.js';
import type { ListRunsQuery, ResumeRunBody, Run, RunHandle, RunStatus, StartRunBody } from '../schemas/run.js';
import { steppingClock } from './clock.js';
import { paginate } from './paginate.js';

const ACTIVE: readonly RunStatus[] = ['queued', 'running', 'interrupted'];
const FINISHED: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

/**
 * `RunService` in memory: runs are accepted as `queued` and never execute on their own; tests move
 * them with `update()`. Enforces the same rules the real service must (see `RunService`).
 */
export class FakeRunService implements RunService {
  private readonly runs = new Map<string, Run>();
  private counter = 0;
  /** Every call of `start`, `cancel` and `resume`, in order. */
  readonly calls: { method: 'start' | 'cancel' | 'resume'; args: unknown[] }[] = [];

  constructor(
    private readonly workflows: WorkflowStore,
    private readonly now: () => string = steppingClock(),
  ) {}

  async start(input: StartRunBody): Promise<RunHandle> {
    this.calls.push({ method: 'start', args: [input] });
    const stored =
      input.version === undefined
        ? await this.workflows.get(input.workflowId)
        : await this.workflows.getVersion(input.workflowId, input.version);
    if (!stored) {
      const what =
        input.version === undefined
          ? `Workflow "${input.workflowId}"`
          : `Version ${input.version} of workflow "${input.workflowId}"`;
      throw new FlowError('not_found', `${what} does not exist.`);
    }
    if (!stored.valid) throw new InvalidDocumentError(stored.problems);
    if (input.threadId !== undefined) {
      const known = [...this.runs.values()].filter((run) => run.threadId === input.threadId);
      if (known.length === 0) throw new FlowError('not_found', `Thread "${input.threadId}" does not exist.`);
      const busy = known.find((run) => ACTIVE.includes(run.status));
      if (busy)
        throw new FlowError(
          'conflict',
          `Thread "${input.threadId}" already has an active run ("${busy.id}", ${busy.status}).`,
        );
    }
    this.counter += 1;
    const runId = `run-${this.counter}`;
    const threadId = input.threadId ?? `thread-${this.counter}`;
    this.runs.set(runId, {
      id: runId,
      threadId,
      workflowId: input.workflowId,
      workflowVersion: stored.version,
      status: 'queued',
      attempt: 0,
      worker: null,
      input: input.input,
      output: null,
      error: null,
      interrupts: [],
      paused: null,
      tokens: { input: 0, output: 0 },
      lastSeq: 0,
      forkedFrom:
        input.checkpointId && input.threadId ? { threadId: input.threadId, checkpointId: input.checkpointId } : null,
      createdAt: this.now(),
      startedAt: null,
      finishedAt: null,
    });
    return { runId, threadId };
  }

  async get(runId: string): Promise<Run | undefined> {
    return this.runs.get(runId);
  }

  async list(query: ListRunsQuery): Promise<Page<Run>> {
    const matching = [...this.runs.values()]
      .filter(
        (run) =>
          (query.workflowId === undefined || run.workflowId === query.workflowId) &&
          (query.threadId === undefined || run.threadId === query.threadId),
      )
      .filter((run) => query.status === undefined || query.status.includes(run.status))
      .reverse();
    return paginate(matching, query);
  }

  async cancel(runId: string, reason: string | undefined): Promise<Run | undefined> {
    this.calls.push({ method: 'cancel', args: [runId, reason] });
    const run = this.runs.get(runId);
    if (!run) return undefined;
    if (FINISHED.includes(run.status))
      throw new FlowError('conflict', `Run "${runId}" has already finished (${run.status}).`);
    return this.update(runId, { status: 'cancelled', finishedAt: this.now(), interrupts: [] });
  }

  async resume(runId: string, input: ResumeRunBody): Promise<Run | undefined> {
    this.calls.push({ method: 'resume', args: [runId, input] });
    const run = this.runs.get(runId);
    if (!run) return undefined;
    if (run.status !== 'interrupted')
      throw new FlowError('conflict', `Run "${runId}" is ${run.status}, not interrupted; there is nothing to resume.`);
    const unknown = Object.keys(input.answers ?? {}).filter((id) => !run.interrupts.some((i) => i.id === id));
    if (unknown.length > 0)
      throw new FlowError(
        'invalid_request',
        `No pending interrupt with id ${unknown.map((id) => `"${id}"`).join(', ')}.`,
      );
    return this.update(runId, { status: 'running', interrupts: [] });
  }

  /** Test control: change a run as the background executor would. */
  update(runId: string, patch: Partial<Omit<Run, 'id'>>): Run {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run ${runId}`);
    const next = { ...run, ...patch };
    this.runs.set(runId, next);
    return next;
  }
}
