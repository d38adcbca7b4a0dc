import type { SpanData } from './trace-spans.js';

/**
 * `SpanData` → the OTLP/JSON encoding of `ExportTraceServiceRequest` (opentelemetry-proto
 * `docs/specification.md`, "JSON Protobuf Encoding"): lowerCamelCase keys, trace and span ids as hex
 * strings (not base64), enums as integers, 64-bit integers (times, `intValue`) as decimal strings.
 */

export type OtlpAttributeValue = string | number | boolean;

export type OtlpAnyValue =
  | { stringValue: string }
  | { intValue: string }
  | { doubleValue: number | 'NaN' | 'Infinity' | '-Infinity' }
  | { boolValue: boolean };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status: { code: number; message?: string };
}

export interface ExportTraceServiceRequest {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[] }[];
  }[];
}

/** `Span.SpanKind`: the run and its node attempts are internal work; a model call goes out to a provider. */
export const SPAN_KIND = { internal: 1, client: 3 } as const;
/** `Status.StatusCode`. */
export const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

export const SCOPE_NAME = '@flowcraft/engine';

/** Attributes that are always doubles, so a whole value (a cost of 0) keeps one type per key. */
const DOUBLE_KEYS = new Set(['flowcraft.cost_usd']);

export function toAnyValue(key: string, value: OtlpAttributeValue): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Number.isNaN(value)) return { doubleValue: 'NaN' };
  if (!Number.isFinite(value)) return { doubleValue: value > 0 ? 'Infinity' : '-Infinity' };
  if (Number.isSafeInteger(value) && !DOUBLE_KEYS.has(key)) return { intValue: String(value) };
  return { doubleValue: value };
}

export function toKeyValues(attributes: Record<string, OtlpAttributeValue>): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: toAnyValue(key, value) }));
}

/** Milliseconds since the epoch (possibly fractional) → nanoseconds as a decimal string, without float loss. */
export function msToUnixNano(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0';
  const whole = Math.floor(ms);
  const fraction = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(fraction)).toString();
}

export function toOtlpSpan(span: SpanData): OtlpSpan {
  const status: OtlpSpan['status'] = { code: STATUS_CODE[span.status] };
  // The status message only means something for errors (proto: "only for STATUS_CODE_ERROR").
  if (span.status === 'error' && span.statusMessage) status.message = span.statusMessage;
  return {
    traceId: span.traceId.toLowerCase(),
    spanId: span.spanId.toLowerCase(),
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId.toLowerCase() } : {}),
    name: span.name,
    kind: span.kind === 'model' ? SPAN_KIND.client : SPAN_KIND.internal,
    startTimeUnixNano: msToUnixNano(span.startTimeMs),
    endTimeUnixNano: msToUnixNano(span.endTimeMs),
    attributes: toKeyValues(span.attributes),
    status,
  };
}

export function toOtlpRequest(
  spans: SpanData[],
  resource: Record<string, OtlpAttributeValue>,
): ExportTraceServiceRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: toKeyValues(resource) },
        scopeSpans: [{ scope: { name: SCOPE_NAME }, spans: spans.map(toOtlpSpan) }],
      },
    ],
  };
}
