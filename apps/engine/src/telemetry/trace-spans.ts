import { createHash } from 'node:crypto';
import type { TraceEvent } from '@flowcraft/schema';

/**
 * A finished span in OpenTelemetry's shape (trace and span ids in hex, times in ms since the epoch,
 * GenAI semantic-convention attributes), built from a run's trace events. An OTel adapter turns
 * these into `ReadableSpan`s for an OTLP exporter; this module has no OTel dependency (adding
 * `@opentelemetry/*` packages to the engine currently splits `@langchain/core` into two variants).
 */
export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'run' | 'node' | 'model';
  startTimeMs: number;
  endTimeMs: number;
  status: 'ok' | 'error' | 'unset';
  statusMessage?: string;
  attributes: Record<string, string | number | boolean>;
}

export interface SpanExporter {
  /** Receives spans as they end (a run's spans end before the run span). */
  export(spans: SpanData[]): void | Promise<void>;
  shutdown?(): Promise<void>;
}

/** Keeps every exported span (tests, debugging). */
export class InMemorySpanExporter implements SpanExporter {
  readonly spans: SpanData[] = [];
  export(spans: SpanData[]): void {
    this.spans.push(...spans);
  }
}

function hex(input: string, length: number): string {
  return createHash('sha256').update(input).digest('hex').slice(0, length);
}

/** The OTel trace id of a run's spans (derived from its id), for log lines that point at the trace. */
export function runTraceId(runId: string): string {
  return hex(`trace:${runId}`, 32);
}

interface Open {
  spanId: string;
  name: string;
  kind: SpanData['kind'];
  parentSpanId?: string;
  startTimeMs: number;
  attributes: SpanData['attributes'];
}

interface RunSpans {
  traceId: string;
  run: Open;
  nodes: Map<string, Open[]>;
  counter: number;
}

/**
 * Turns trace events (in seq order, as the engine publishes them) into spans: one per run execution,
 * one per node attempt, one per model call (from `node.progress` `model_call`: start = end − duration).
 * The trace id is derived from the run id, so every execution of a run (resume, restart) shares it.
 */
export class TraceSpans {
  private readonly runs = new Map<string, RunSpans>();

  constructor(
    private readonly exporter: SpanExporter,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  onEvent(e: TraceEvent): void {
    const at = Date.parse(e.ts);
    let run = this.runs.get(e.runId);
    if (!run) {
      const traceId = runTraceId(e.runId);
      run = {
        traceId,
        counter: 0,
        nodes: new Map(),
        run: {
          spanId: hex(`run:${e.runId}:${e.seq}`, 16),
          name: 'flowcraft.run',
          kind: 'run',
          startTimeMs: at,
          attributes: { 'flowcraft.run_id': e.runId },
        },
      };
      this.runs.set(e.runId, run);
    }
    const newSpan = (
      name: string,
      kind: SpanData['kind'],
      parent: string,
      attributes: SpanData['attributes'],
      startTimeMs: number,
    ): Open => ({
      spanId: hex(`${e.runId}:${e.seq}:${++run.counter}`, 16),
      name,
      kind,
      parentSpanId: parent,
      startTimeMs,
      attributes,
    });
    const close = (
      open: Open,
      endTimeMs: number,
      status: SpanData['status'],
      extra: SpanData['attributes'] = {},
      message?: string,
    ): SpanData => ({
      traceId: run.traceId,
      spanId: open.spanId,
      ...(open.parentSpanId ? { parentSpanId: open.parentSpanId } : {}),
      name: open.name,
      kind: open.kind,
      startTimeMs: open.startTimeMs,
      endTimeMs: Math.max(endTimeMs, open.startTimeMs),
      status,
      ...(message !== undefined ? { statusMessage: message } : {}),
      attributes: { ...open.attributes, ...extra },
    });
    const out: SpanData[] = [];
    switch (e.type) {
      case 'run.started':
        run.run.attributes = {
          ...run.run.attributes,
          'flowcraft.workflow_id': e.workflowId,
          'flowcraft.thread_id': e.threadId,
        };
        break;
      case 'node.started': {
        const list = run.nodes.get(e.nodeId) ?? [];
        list.push(
          newSpan(
            `flowcraft.node ${e.nodeId}`,
            'node',
            run.run.spanId,
            { 'flowcraft.node_id': e.nodeId, 'flowcraft.step': e.step, 'flowcraft.attempt': e.attempt },
            at,
          ),
        );
        run.nodes.set(e.nodeId, list);
        break;
      }
      case 'node.progress': {
        if (e.kind !== 'model_call') break;
        const d = e.data;
        const parent = run.nodes.get(e.nodeId)?.at(-1)?.spanId ?? run.run.spanId;
        const duration = typeof d['durationMs'] === 'number' ? d['durationMs'] : 0;
        const attrs: SpanData['attributes'] = { 'flowcraft.node_id': e.nodeId };
        if (typeof d['requested'] === 'string') attrs['gen_ai.request.model'] = d['requested'];
        if (typeof d['model'] === 'string') {
          attrs['gen_ai.response.model'] = d['model'];
          attrs['gen_ai.system'] = d['model'].split(':')[0] ?? '';
          attrs['gen_ai.request.model'] ??= d['model'];
        }
        if (typeof d['input'] === 'number') attrs['gen_ai.usage.input_tokens'] = d['input'];
        if (typeof d['output'] === 'number') attrs['gen_ai.usage.output_tokens'] = d['output'];
        if (typeof d['costUsd'] === 'number') attrs['flowcraft.cost_usd'] = d['costUsd'];
        if (typeof d['failedAttempts'] === 'number') attrs['flowcraft.failed_attempts'] = d['failedAttempts'];
        out.push(
          close(newSpan(`chat ${String(d['model'] ?? '')}`.trim(), 'model', parent, attrs, at - duration), at, 'ok'),
        );
        break;
      }
      case 'node.finished': {
        const open = run.nodes.get(e.nodeId)?.shift();
        if (open) {
          const extra: SpanData['attributes'] = {};
          if (e.model) extra['gen_ai.response.model'] = e.model;
          if (e.tokens) {
            extra['gen_ai.usage.input_tokens'] = e.tokens.input;
            extra['gen_ai.usage.output_tokens'] = e.tokens.output;
            if (e.tokens.costUsd !== undefined) extra['flowcraft.cost_usd'] = e.tokens.costUsd;
          }
          out.push(close(open, at, 'ok', extra));
        }
        break;
      }
      case 'node.failed': {
        const open = run.nodes.get(e.nodeId)?.shift();
        if (open)
          out.push(
            close(
              open,
              at,
              'error',
              { 'flowcraft.error_code': e.error.code, 'flowcraft.will_retry': e.willRetry },
              e.error.message,
            ),
          );
        break;
      }
      case 'run.completed':
      case 'run.failed':
      case 'run.cancelled':
      case 'run.interrupted': {
        for (const list of run.nodes.values()) for (const open of list) out.push(close(open, at, 'unset'));
        const error = e.type === 'run.failed' ? e.error : undefined;
        const extra: SpanData['attributes'] = { 'flowcraft.status': e.type.slice(4) };
        if (error) extra['flowcraft.error_code'] = error.code;
        if (e.type === 'run.completed' && e.tokens) {
          extra['gen_ai.usage.input_tokens'] = e.tokens.input;
          extra['gen_ai.usage.output_tokens'] = e.tokens.output;
          if (e.tokens.costUsd !== undefined) extra['flowcraft.cost_usd'] = e.tokens.costUsd;
        }
        out.push(close(run.run, at, error ? 'error' : 'ok', extra, error?.message));
        this.runs.delete(e.runId);
        break;
      }
      default:
        break;
    }
    if (out.length === 0) return;
    try {
      const r = this.exporter.export(out);
      if (r instanceof Promise) r.catch(this.onError);
    } catch (err) {
      this.onError(err);
    }
  }
}
