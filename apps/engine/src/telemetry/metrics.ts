import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TraceEvent } from '@flowcraft/schema';

export interface QueueStats {
  depth: number;
  oldestWaitSeconds: number;
}

export interface EngineMetricsOptions {
  /** Queued runs and the oldest one's wait (wired by the run queue); absent → the queue gauges stay 0. */
  queueStats?: () => Promise<QueueStats>;
  /** A node's type (for `flowcraft_node_duration_seconds{type}`); absent or unknown → `unknown`. */
  nodeType?: (runId: string, nodeId: string) => string | undefined;
  /** Runs executing in this process now (`flowcraft_runs_executing`); absent → no gauge. */
  executing?: () => number;
  /**
   * The most runs this process executes at once (`WORKER_CONCURRENCY`: `flowcraft_worker_slots`), what an
   * autoscaler or an alert compares `flowcraft_runs_executing` with; absent where nothing caps it.
   */
  slots?: number;
  /** Node.js process metrics (CPU, memory, event loop, GC). Default true. */
  processMetrics?: boolean;
  now?: () => number;
}

const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Runs whose start we remember (workflow label of their end); older entries go first. */
const MAX_TRACKED_RUNS = 10_000;

/**
 * The engine's Prometheus metrics (`GET /metrics`), in their own registry so each process (API or
 * worker) exposes what it did. Run, node and model metrics are derived from the trace events the
 * process publishes; HTTP timings come from the edge middleware.
 */
export class EngineMetrics {
  readonly registry = new Registry();
  private readonly runs = new Map<string, { workflowId: string; startedAt: number }>();
  private readonly now: () => number;
  private readonly runsTotal: Counter<'workflow' | 'status'>;
  private readonly runDuration: Histogram<'workflow' | 'status'>;
  private readonly nodeDuration: Histogram<'type'>;
  private readonly modelTokens: Counter<'model' | 'direction'>;
  private readonly modelCost: Counter<'model'>;
  private readonly httpDuration: Histogram<'route' | 'method' | 'status'>;
  private readonly publishLag: Histogram;

  constructor(private readonly opts: EngineMetricsOptions = {}) {
    const registers = [this.registry];
    this.now = opts.now ?? Date.now;
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.runsTotal = new Counter({
      name: 'flowcraft_runs_total',
      help: 'Runs that ended (or paused), by workflow and status',
      labelNames: ['workflow', 'status'],
      registers,
    });
    this.runDuration = new Histogram({
      name: 'flowcraft_run_duration_seconds',
      help: 'Run duration from start to its end (or pause)',
      labelNames: ['workflow', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.nodeDuration = new Histogram({
      name: 'flowcraft_node_duration_seconds',
      help: 'Node execution time, by node type',
      labelNames: ['type'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.modelTokens = new Counter({
      name: 'flowcraft_model_tokens_total',
      help: 'Model tokens, by model and direction (input, output)',
      labelNames: ['model', 'direction'],
      registers,
    });
    this.modelCost = new Counter({
      name: 'flowcraft_model_cost_usd_total',
      help: 'Model cost in US dollars (priced models only)',
      labelNames: ['model'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'flowcraft_http_request_duration_seconds',
      help: 'HTTP request duration, by route pattern, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.publishLag = new Histogram({
      name: 'flowcraft_event_publish_lag_seconds',
      help: 'Time from a trace event being stamped to its publication to subscribers',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    });
    const queueStats = opts.queueStats;
    let pending: Promise<QueueStats> | undefined;
    const stats = () => {
      pending ??= (queueStats ? queueStats() : Promise.resolve({ depth: 0, oldestWaitSeconds: 0 })).finally(() => {
        pending = undefined;
      });
      return pending;
    };
    new Gauge({
      name: 'flowcraft_queue_depth',
      help: 'Runs waiting in the queue',
      registers,
      async collect() {
        this.set((await stats()).depth);
      },
    });
    new Gauge({
      name: 'flowcraft_queue_wait_seconds',
      help: 'How long the oldest queued run has waited',
      registers,
      async collect() {
        this.set((await stats()).oldestWaitSeconds);
      },
    });
    const executing = opts.executing;
    if (executing)
      new Gauge({
        name: 'flowcraft_runs_executing',
        help: 'Runs executing in this process now',
        registers,
        collect() {
          this.set(executing());
        },
      });
    if (opts.slots !== undefined) {
      const slots = new Gauge({
        name: 'flowcraft_worker_slots',
        help: 'Runs this process executes at once at most (WORKER_CONCURRENCY)',
        registers,
      });
      slots.set(opts.slots);
    }
  }

  /** Feed every published trace event here. */
  onEvent(event: TraceEvent): void {
    const stamped = Date.parse(event.ts);
    if (Number.isFinite(stamped)) this.publishLag.observe(Math.max(0, (this.now() - stamped) / 1000));
    switch (event.type) {
      case 'run.started':
        if (this.runs.size >= MAX_TRACKED_RUNS) {
          const oldest = this.runs.keys().next().value;
          if (oldest !== undefined) this.runs.delete(oldest);
        }
        this.runs.set(event.runId, { workflowId: event.workflowId, startedAt: stamped });
        break;
      case 'node.finished': {
        const type = this.opts.nodeType?.(event.runId, event.nodeId) ?? 'unknown';
        this.nodeDuration.observe({ type }, event.durationMs / 1000);
        break;
      }
      case 'node.progress':
        if (event.kind === 'model_call') this.onModelCall(event.data);
        break;
      case 'run.completed':
        this.endRun(event.runId, 'completed', stamped, event.durationMs);
        break;
      case 'run.failed':
        this.endRun(event.runId, 'failed', stamped);
        break;
      case 'run.cancelled':
        this.endRun(event.runId, 'cancelled', stamped);
        break;
      case 'run.interrupted':
        this.endRun(event.runId, 'interrupted', stamped, undefined, true);
        break;
      default:
        break;
    }
  }

  observeHttp(route: string, method: string, status: number, seconds: number): void {
    this.httpDuration.observe({ route, method, status: String(status) }, seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** The workflow of a run this process saw start, if any. */
  workflowOf(runId: string): string | undefined {
    return this.runs.get(runId)?.workflowId;
  }

  private endRun(runId: string, status: string, endedAt: number, durationMs?: number, paused = false): void {
    const run = this.runs.get(runId);
    const workflow = run?.workflowId ?? 'unknown';
    this.runsTotal.inc({ workflow, status });
    const seconds =
      durationMs !== undefined
        ? durationMs / 1000
        : run && Number.isFinite(endedAt)
          ? (endedAt - run.startedAt) / 1000
          : undefined;
    if (seconds !== undefined && seconds >= 0) this.runDuration.observe({ workflow, status }, seconds);
    if (!paused) this.runs.delete(runId);
  }

  private onModelCall(data: Record<string, unknown>): void {
    const model = typeof data['model'] === 'string' ? data['model'] : 'unknown';
    const input = data['input'];
    const output = data['output'];
    const cost = data['costUsd'];
    if (typeof input === 'number' && input > 0) this.modelTokens.inc({ model, direction: 'input' }, input);
    if (typeof output === 'number' && output > 0) this.modelTokens.inc({ model, direction: 'output' }, output);
    if (typeof cost === 'number' && cost > 0) this.modelCost.inc({ model }, cost);
  }
}
