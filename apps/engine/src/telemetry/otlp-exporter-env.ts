import { z } from 'zod';
import type { OtlpAttributeValue } from './otlp-exporter-encoding.js';

/**
 * The OpenTelemetry SDK environment variables the OTLP exporter honours (names and formats as in the
 * OTel "SDK environment variables" and "OTLP exporter" specifications). Only OTLP/HTTP with JSON.
 */

export const DEFAULT_SERVICE_NAME = 'flowcraft-engine';

export interface OtlpLogger {
  warn(message: string): void;
  info?(message: string): void;
}

export interface OtlpEnvOptions {
  url: string;
  headers: Record<string, string>;
  resource: Record<string, OtlpAttributeValue>;
  compression: 'none' | 'gzip';
  timeoutMs?: number;
  scheduleDelayMs?: number;
  maxQueueSize?: number;
  maxBatchSize?: number;
}

type Env = Record<string, string | undefined>;

const PositiveInt = z.coerce.number().int().positive();
const Compression = z.enum(['none', 'gzip']);

function read(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new Error(`bad percent-encoding in "${text}"`);
  }
}

/**
 * `key1=value1,key2=value2` (W3C Baggage-like, keys and values percent-decoded, whitespace around
 * them ignored, a value may contain `=`) → record. Throws on a malformed entry: the spec says the
 * whole variable is then discarded.
 */
export function parseKeyValueList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`"${part.trim()}" is not key=value`);
    const key = decode(part.slice(0, eq).trim());
    if (key === '') throw new Error(`"${part.trim()}" has an empty key`);
    out[key] = decode(part.slice(eq + 1).trim());
  }
  return out;
}

function keyValuesFromEnv(env: Env, name: string, log: OtlpLogger, secret = false): Record<string, string> {
  const text = read(env, name);
  if (text === undefined) return {};
  try {
    return parseKeyValueList(text);
  } catch (err) {
    // Header lists carry API keys: never echo them.
    log.warn(
      `Ignoring ${name}: ${secret || !(err instanceof Error) ? 'not a comma list of key=value pairs' : err.message}`,
    );
    return {};
  }
}

/** `service.name` = OTEL_SERVICE_NAME, else the one in OTEL_RESOURCE_ATTRIBUTES, else `flowcraft-engine`. */
export function resourceFromEnv(env: Env, log: OtlpLogger): Record<string, OtlpAttributeValue> {
  const attributes = keyValuesFromEnv(env, 'OTEL_RESOURCE_ATTRIBUTES', log);
  return {
    ...attributes,
    'service.name': read(env, 'OTEL_SERVICE_NAME') ?? attributes['service.name'] ?? DEFAULT_SERVICE_NAME,
  };
}

function headersFromEnv(env: Env, log: OtlpLogger): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    for (const [key, value] of Object.entries(keyValuesFromEnv(env, name, log, true))) {
      try {
        new Headers({ [key]: value });
        merged[key.toLowerCase()] = value;
      } catch {
        log.warn(`Ignoring header "${key}" from ${name}: not a valid HTTP header`);
      }
    }
  }
  return merged;
}

function number(env: Env, log: OtlpLogger, ...names: string[]): number | undefined {
  const text = read(env, ...names);
  if (text === undefined) return undefined;
  const parsed = PositiveInt.safeParse(text);
  if (parsed.success) return parsed.data;
  log.warn(`Ignoring ${names.find((n) => env[n]?.trim()) ?? names[0]}="${text}": not a positive whole number`);
  return undefined;
}

/** The signal URL: the traces endpoint as given, or the base endpoint + `v1/traces`. */
function tracesUrl(env: Env): string | undefined {
  const traces = read(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (traces !== undefined) return traces;
  const base = read(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (base !== undefined) return `${base.replace(/\/+$/, '')}/v1/traces`;
  // OTEL_TRACES_EXPORTER=otlp without an endpoint: the spec's OTLP/HTTP default.
  return read(env, 'OTEL_TRACES_EXPORTER')
    ?.split(',')
    .some((e) => e.trim() === 'otlp')
    ? 'http://localhost:4318/v1/traces'
    : undefined;
}

/** Exporter settings from the environment; undefined when tracing export is off or not configured. */
export function otlpOptionsFromEnv(env: Env, log: OtlpLogger): OtlpEnvOptions | undefined {
  if (read(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined;
  const exporters = read(env, 'OTEL_TRACES_EXPORTER')
    ?.split(',')
    .map((e) => e.trim());
  if (exporters && !exporters.includes('otlp')) return undefined;
  const url = tracesUrl(env);
  if (url === undefined) return undefined;
  if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) {
    log.warn('Span export disabled: the OTLP traces endpoint is not an http(s) URL');
    return undefined;
  }
  const protocol = read(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol === 'grpc') {
    log.warn('Span export disabled: OTLP over gRPC is not supported; use OTLP/HTTP (port 4318)');
    return undefined;
  }
  if (protocol !== undefined && protocol !== 'http/json')
    log.warn(`OTLP protocol "${protocol}" requested; the engine sends http/json`);
  const compressionText =
    read(env, 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION') ?? 'none';
  const compression = Compression.safeParse(compressionText);
  if (!compression.success) log.warn(`Ignoring OTLP compression "${compressionText}": only gzip or none`);
  const timeoutMs = number(env, log, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT');
  const scheduleDelayMs = number(env, log, 'OTEL_BSP_SCHEDULE_DELAY');
  const maxQueueSize = number(env, log, 'OTEL_BSP_MAX_QUEUE_SIZE');
  const maxBatchSize = number(env, log, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE');
  return {
    url,
    headers: headersFromEnv(env, log),
    resource: resourceFromEnv(env, log),
    compression: compression.success ? compression.data : 'none',
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(scheduleDelayMs !== undefined ? { scheduleDelayMs } : {}),
    ...(maxQueueSize !== undefined ? { maxQueueSize } : {}),
    ...(maxBatchSize !== undefined ? { maxBatchSize } : {}),
  };
}
