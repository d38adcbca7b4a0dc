import type { TraceEvent } from '@flowcraft/schema';
import type { Logger } from '../http/deps.js';
import { runTraceId } from './trace-spans.js';

const MAX_TRACKED = 10_000;

/**
 * One log line per run transition (started, interrupted, completed, failed, cancelled), each carrying
 * `runId`, `threadId`, `workflowId` and `worker` so a run's lines can be found in any log store.
 */
export class RunLog {
  private readonly runs = new Map<string, { threadId: string; workflowId: string }>();

  constructor(
    private readonly logger: Logger,
    private readonly worker: string,
    /** Add the OTel `traceId` of the run's spans (when span export is on). */
    private readonly traceIds = false,
  ) {}

  /** The ids of a run this process saw start (for other log lines about it). */
  fields(runId: string): Record<string, string> {
    const run = this.runs.get(runId);
    return {
      runId,
      ...(run ? { threadId: run.threadId, workflowId: run.workflowId } : {}),
      worker: this.worker,
      ...(this.traceIds ? { traceId: runTraceId(runId) } : {}),
    };
  }

  onEvent(event: TraceEvent): void {
    switch (event.type) {
      case 'run.started':
        if (this.runs.size >= MAX_TRACKED) {
          const oldest = this.runs.keys().next().value;
          if (oldest !== undefined) this.runs.delete(oldest);
        }
        this.runs.set(event.runId, { threadId: event.threadId, workflowId: event.workflowId });
        this.logger.info('run started', {
          ...this.fields(event.runId),
          ...(event.fromCheckpointId ? { fromCheckpointId: event.fromCheckpointId } : {}),
        });
        break;
      case 'run.interrupted':
        this.logger.info('run interrupted', { ...this.fields(event.runId), interrupts: event.interrupts.length });
        break;
      case 'run.completed':
        this.logger.info('run completed', { ...this.fields(event.runId), durationMs: event.durationMs });
        this.runs.delete(event.runId);
        break;
      case 'run.failed':
        this.logger.warn('run failed', {
          ...this.fields(event.runId),
          code: event.error.code,
          error: event.error.message,
        });
        this.runs.delete(event.runId);
        break;
      case 'run.cancelled':
        this.logger.info('run cancelled', { ...this.fields(event.runId) });
        this.runs.delete(event.runId);
        break;
      case 'node.failed':
        this.logger.warn('node failed', {
          ...this.fields(event.runId),
          nodeId: event.nodeId,
          code: event.error.code,
          willRetry: event.willRetry,
        });
        break;
      default:
        break;
    }
  }
}
