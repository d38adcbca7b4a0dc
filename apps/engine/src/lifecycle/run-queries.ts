import { FlowError, isRecord } from '@flowcraft/schema';
import type { RunService as HttpRunService } from '../http/deps.js';
import type { Page, Run, RunHandle } from '@flowcraft/schema';
import type { ListRunsQuery, ResumeRunBody, StartRunBody } from '../http/schemas/run.js';
import type { RunService } from './run-service.js';
import type { Run as RunRow, Store } from '../store/index.js';
import { toRunRecord } from './store-run-ports.js';

/** The HTTP API's run service: `RunService` executes, the runs repository answers reads. */
export class StoreHttpRunService implements HttpRunService {
  constructor(
    private readonly runs: RunService,
    private readonly store: Store,
  ) {}

  async start(input: StartRunBody): Promise<RunHandle> {
    if (input.threadId !== undefined && (await this.store.threads.find(input.threadId)) === undefined) {
      throw new FlowError('not_found', `Thread "${input.threadId}" does not exist.`);
    }
    const debug = input.interruptBefore !== undefined || input.interruptAfter !== undefined;
    return this.runs.start({
      workflowId: input.workflowId,
      version: input.version,
      input: input.input,
      threadId: input.threadId,
      checkpointId: input.checkpointId,
      ...(debug ? { breakpoints: { before: input.interruptBefore ?? [], after: input.interruptAfter ?? [] } } : {}),
    });
  }

  async get(runId: string): Promise<Run | undefined> {
    const row = await this.store.runs.find(runId);
    return row === undefined ? undefined : this.toRun(row);
  }

  async list(query: ListRunsQuery): Promise<Page<Run>> {
    const page = await this.store.runs.list({
      status: query.status,
      workflowId: query.workflowId,
      threadId: query.threadId,
      limit: query.limit,
      cursor: query.cursor,
    });
    return { items: page.items.map((row) => this.toRun(row)), nextCursor: page.nextCursor };
  }

  async cancel(runId: string, _reason: string | undefined): Promise<Run | undefined> {
    if ((await this.store.runs.find(runId)) === undefined) return undefined;
    await this.runs.cancel(runId);
    return this.get(runId);
  }

  async resume(runId: string, input: ResumeRunBody): Promise<Run | undefined> {
    if ((await this.store.runs.find(runId)) === undefined) return undefined;
    await this.runs.resume(runId, input.answers !== undefined ? { byId: input.answers } : { value: input.value });
    return this.get(runId);
  }

  private toRun(row: RunRow): Run {
    const { interrupts, paused } = toRunRecord(row);
    return {
      id: row.id,
      threadId: row.threadId,
      workflowId: row.workflowId,
      workflowVersion: row.workflowVersion,
      status: row.status,
      input: isRecord(row.input) ? row.input : {},
      output:
        row.output === null || row.output === undefined
          ? null
          : isRecord(row.output)
            ? row.output
            : { value: row.output },
      error: row.error ?? null,
      interrupts: interrupts.map((i) => ({
        id: i.id,
        ...(i.nodeId === undefined ? {} : { nodeId: i.nodeId }),
        value: i.value,
      })),
      paused,
      tokens: { input: row.tokensIn, output: row.tokensOut, ...(row.cost > 0 ? { costUsd: row.cost } : {}) },
      lastSeq: row.lastEventSeq,
      attempt: row.attempt,
      worker: row.worker,
      forkedFrom:
        row.forkedFrom?.checkpointId !== undefined
          ? { threadId: row.threadId, checkpointId: row.forkedFrom.checkpointId }
          : null,
      createdAt: row.createdAt.toISOString(),
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
    };
  }
}
