import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { z } from 'zod';
import { toOtlpRequest, type OtlpAttributeValue } from './otlp-exporter-encoding.js';
import { DEFAULT_SERVICE_NAME, otlpOptionsFromEnv, type OtlpLogger } from './otlp-exporter-env.js';
import type { SpanData, SpanExporter } from './trace-spans.js';

export type { OtlpLogger } from './otlp-exporter-env.js';

const gzipAsync = promisify(gzip);

/** OTLP/HTTP: these are retried (with Retry-After honoured); every other 4xx/5xx is final. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

export interface OtlpExporterOptions {
  /** The full traces URL, e.g. `http://localhost:4318/v1/traces`. */
  url: string;
  headers?: Record<string, string>;
  /** Resource attributes; `service.name` defaults to `flowcraft-engine`. */
  resource?: Record<string, OtlpAttributeValue>;
  compression?: 'none' | 'gzip';
  /** Per request (each attempt). Default 10 000. */
  timeoutMs?: number;
  /** A batch leaves this long after its first span at the latest. Default 1000. */
  scheduleDelayMs?: number;
  /** Spans waiting beyond this drop the oldest first. Default 2048. */
  maxQueueSize?: number;
  /** Spans per request; a full batch is sent at once. Default 512. */
  maxBatchSize?: number;
  /** Retries after the first attempt for 429/502/503/504 and connection errors. Default 2. */
  maxRetries?: number;
  /** Backoff before retry n: base × 2ⁿ, jittered to 50–100 %. Default 500. */
  retryBaseMs?: number;
  /** Cap on any wait between attempts (Retry-After included). Default 5000. */
  maxRetryDelayMs?: number;
  fetch?: typeof fetch;
  /** Failures and drops are reported here, never thrown. Default `console`. */
  logger?: OtlpLogger;
}

export interface OtlpExporterStats {
  /** Spans the receiver accepted (minus any it reported rejected). */
  exported: number;
  /** Spans dropped because the queue was full, or exported after shutdown. */
  dropped: number;
  /** Spans whose request finally failed (non-retryable status, retries used up, timeout). */
  failed: number;
}

type Outcome =
  | { ok: true; rejected: number; message?: string }
  | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number };

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

/**
 * A batching OTLP/HTTP JSON span exporter written against the spec (the `@opentelemetry/*` packages
 * would split `@langchain/core` in this workspace). `export` only enqueues; batches go out on size,
 * on a timer and on `shutdown`, one request at a time; nothing here ever throws into the engine.
 */
export class OtlpHttpSpanExporter implements SpanExporter {
  private readonly queue: SpanData[] = [];
  private readonly counts: OtlpExporterStats = { exported: 0, dropped: 0, failed: 0 };
  private readonly fetch: typeof fetch;
  private readonly log: OtlpLogger;
  private readonly headers: Record<string, string>;
  private readonly resource: Record<string, OtlpAttributeValue>;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly opts: OtlpExporterOptions) {
    this.fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.log = opts.logger ?? console;
    this.resource = { 'service.name': DEFAULT_SERVICE_NAME, ...opts.resource };
    // Our content type and encoding win over configured headers of the same name.
    const own = new Set(['content-type', 'content-encoding', 'content-length']);
    this.headers = Object.fromEntries(Object.entries(opts.headers ?? {}).filter(([k]) => !own.has(k.toLowerCase())));
  }

  get url(): string {
    return this.opts.url;
  }

  stats(): OtlpExporterStats {
    return { ...this.counts };
  }

  export(spans: SpanData[]): void {
    if (this.closing) {
      this.counts.dropped += spans.length;
      return;
    }
    this.queue.push(...spans);
    const over = this.queue.length - (this.opts.maxQueueSize ?? 2048);
    if (over > 0) {
      if (this.counts.dropped === 0)
        this.log.warn(`OTLP span queue full (${this.opts.maxQueueSize ?? 2048}); dropping the oldest spans`);
      this.queue.splice(0, over);
      this.counts.dropped += over;
    }
    if (this.queue.length >= this.batchSize) void this.forceFlush();
    else this.schedule();
  }

  /** Sends everything queued now; resolves when the queue is empty (or sending has given up). */
  forceFlush(): Promise<void> {
    this.clearTimer();
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0) this.schedule();
    });
    return this.flushing;
  }

  /** Flushes what is queued (giving up on the rest after a failed batch), then refuses new spans; safe to call twice. */
  shutdown(): Promise<void> {
    this.closing ??= this.forceFlush().then(() => {
      this.clearTimer();
      if (this.counts.dropped + this.counts.failed > 0) {
        this.log.warn(
          `OTLP span export: ${this.counts.exported} exported, ${this.counts.failed} failed, ${this.counts.dropped} dropped`,
        );
      }
    });
    return this.closing;
  }

  private get batchSize(): number {
    return this.opts.maxBatchSize ?? 512;
  }

  private schedule(): void {
    if (this.timer || this.closing || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.forceFlush();
    }, this.opts.scheduleDelayMs ?? 1000);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const sent = await this.send(this.queue.splice(0, this.batchSize));
      if (!sent && this.closing && this.queue.length > 0) {
        // Shutting down and the receiver is failing: don't hold the engine's stop for every batch.
        this.log.warn(`OTLP export: giving up on ${this.queue.length} queued spans at shutdown`);
        this.counts.failed += this.queue.splice(0).length;
      }
    }
  }

  /** True when the receiver answered with success. */
  private async send(batch: SpanData[]): Promise<boolean> {
    try {
      const json = JSON.stringify(toOtlpRequest(batch, this.resource));
      const body = this.opts.compression === 'gzip' ? new Uint8Array(await gzipAsync(json)) : json;
      const maxRetries = this.opts.maxRetries ?? 2;
      for (let attempt = 0; ; attempt++) {
        const outcome = await this.post(body);
        if (outcome.ok) {
          this.counts.exported += batch.length - outcome.rejected;
          this.counts.failed += outcome.rejected;
          if (outcome.message || outcome.rejected > 0)
            this.log.warn(
              `OTLP receiver rejected ${outcome.rejected} of ${batch.length} spans${outcome.message ? `: ${outcome.message}` : ''}`,
            );
          return true;
        }
        if (!outcome.retryable || attempt >= maxRetries) {
          this.counts.failed += batch.length;
          this.log.warn(
            `OTLP export of ${batch.length} spans failed after ${attempt + 1} attempt(s): ${outcome.reason}`,
          );
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, this.backoff(attempt, outcome.retryAfterMs)));
      }
    } catch (err) {
      this.counts.failed += batch.length;
      this.log.warn(`OTLP export of ${batch.length} spans failed: ${errorMessage(err)}`);
      return false;
    }
  }

  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    const cap = this.opts.maxRetryDelayMs ?? 5000;
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, cap);
    const full = (this.opts.retryBaseMs ?? 500) * 2 ** attempt;
    return Math.min(cap, full * (0.5 + Math.random() / 2));
  }

  private async post(body: string | Uint8Array<ArrayBuffer>): Promise<Outcome> {
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const headers: Record<string, string> = { ...this.headers, 'content-type': 'application/json' };
      if (typeof body !== 'string') headers['content-encoding'] = 'gzip';
      const res = await this.fetch(this.opts.url, { method: 'POST', headers, body, signal: controller.signal });
      const text = await res.text();
      if (res.ok) return { ok: true, ...partialSuccess(text) };
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      return {
        ok: false,
        retryable: RETRYABLE_STATUS.has(res.status),
        reason: `HTTP ${res.status}${text ? ` ${text.slice(0, 200)}` : ''}`,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    } catch (err) {
      if (controller.signal.aborted)
        return { ok: false, retryable: false, reason: `no response within ${timeoutMs} ms` };
      // Connection refused or reset before a response: the spec says retry with backoff.
      return { ok: false, retryable: true, reason: errorMessage(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The part of `ExportTraceServiceResponse` we read; `rejectedSpans` is an int64 (a string or a number). */
const ExportTraceServiceResponse = z.object({
  partialSuccess: z
    .object({ rejectedSpans: z.coerce.number().int().nonnegative().optional(), errorMessage: z.string().optional() })
    .optional(),
});

function partialSuccess(text: string): { rejected: number; message?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { rejected: 0 };
  }
  const partial = ExportTraceServiceResponse.safeParse(json).data?.partialSuccess;
  return { rejected: partial?.rejectedSpans ?? 0, ...(partial?.errorMessage ? { message: partial.errorMessage } : {}) };
}

/**
 * The exporter the environment asks for (OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, _HEADERS, _TIMEOUT,
 * _COMPRESSION, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_BSP_*), or undefined when no
 * endpoint is configured or OTEL_SDK_DISABLED / OTEL_TRACES_EXPORTER turn it off. `opts` win over env.
 */
export function otlpExporterFromEnv(
  env: Record<string, string | undefined>,
  opts: Partial<OtlpExporterOptions> = {},
): OtlpHttpSpanExporter | undefined {
  const log = opts.logger ?? console;
  const fromEnv = otlpOptionsFromEnv(env, log);
  if (!fromEnv) return undefined;
  const exporter = new OtlpHttpSpanExporter({ ...fromEnv, ...opts });
  const target = new URL(exporter.url);
  log.info?.(`Exporting spans by OTLP/HTTP to ${target.origin}${target.pathname}`);
  return exporter;
}
