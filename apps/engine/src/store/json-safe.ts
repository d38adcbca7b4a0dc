import { storageErrorCode, storageErrorMessage, truncateMessage } from '@flowcraft/schema';
import type { ErrorInfo } from '@flowcraft/schema';

/**
 * Values produced inside a run (a code tool's result, a model's answer, an error) made storable:
 * Postgres `text` cannot hold U+0000 and `jsonb` refuses `\u0000` and unpaired surrogate escapes
 * (SQLSTATE 22P05 / 22021), which would fail the write and with it the run.
 *
 * NUL becomes the six characters `\u0000` and an unpaired surrogate its `\uXXXX` spelling, in
 * strings and in object keys; containers nested deeper than `MAX_STORED_DEPTH` become a note
 * (`OMITTED_DEEP`) so the JSON encoder cannot overflow. Walks iteratively and sees values as the
 * JSON encoder does (`toJSON()` first). Returns the value itself when
 * nothing needs escaping, else a plain copy; other leaves (functions, bigints) are left to the encoder.
 */
export function jsonSafe<T>(value: T): T {
  // Most values need nothing: check first, copy only when needed.
  if (!needsEscaping(value)) return value;
  return rebuild(value) as T;
}

/** A string storable in a `text` or `jsonb` column (NUL and unpaired surrogates spelled out). */
export function textSafe(text: string): string {
  return UNSAFE.test(text)
    ? text.replace(UNSAFE_ALL, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text;
}

/**
 * An error as stored on a run or in an event: message truncated (8 KB, full size noted), a
 * database error's SQL text and parameters replaced by its SQLSTATE, `details` over 8 KB of JSON
 * replaced by a note, NUL and surrogates escaped.
 */
export function safeErrorInfo(info: ErrorInfo): ErrorInfo {
  return jsonSafe(boundError(info));
}

/** Largest `details` of a stored error, as JSON text; larger ones are replaced by a note of their size. */
const MAX_DETAILS_CHARS = 8192;

/** An error-shaped object with its message truncated or redacted and oversized `details` replaced by a note. */
function boundError<T extends object>(error: T): T {
  const message: unknown = Reflect.get(error, 'message');
  const details: unknown = Reflect.get(error, 'details');
  let out = error;
  if (typeof message === 'string') {
    const sqlstate = storageErrorCode({ message });
    const safe = sqlstate === undefined ? truncateMessage(message) : storageErrorMessage(sqlstate);
    if (safe !== message) out = { ...out, message: safe };
  }
  if (details !== undefined) {
    let size: number | undefined;
    try {
      size = JSON.stringify(details)?.length;
    } catch {
      size = undefined;
    }
    if (size === undefined || size > MAX_DETAILS_CHARS)
      out = { ...out, details: { omitted: `details too large to store (${size ?? 'unknown'} characters of JSON)` } };
  }
  return out;
}

/**
 * A trace event's payload as stored: made safe by `jsonSafe`, and its `error` (`node.failed`,
 * `run.failed`) truncated and redacted like `safeErrorInfo`.
 */
export function safeEventPayload(payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return jsonSafe(payload);
  const error: unknown = Reflect.get(payload, 'error');
  if (typeof error === 'object' && error !== null && !Array.isArray(error)) {
    const bounded = boundError(error);
    if (bounded !== error) return jsonSafe({ ...payload, error: bounded });
  }
  return jsonSafe(payload);
}

// NUL, a high surrogate not followed by a low one, a low surrogate not preceded by a high one.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this matches
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

type Container = Record<string, unknown> | unknown[];

/** What the JSON encoder sees of a value: `toJSON()` applied (Dates, Buffers), objects as their own entries. */
function jsonView(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const toJSON: unknown = Reflect.get(value, 'toJSON');
  return typeof toJSON === 'function' ? toJSON.call(value) : value;
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

/**
 * Deepest nesting stored as is. `JSON.stringify` (drizzle's jsonb encoder) recurses and overflows
 * the stack a few thousand levels down, failing the write; deeper parts become `OMITTED_DEEP`.
 */
export const MAX_STORED_DEPTH = 256;
export const OMITTED_DEEP = `[nested deeper than ${MAX_STORED_DEPTH} levels: omitted]`;

function needsEscaping(root: unknown): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  const seen = new Set<object>();
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const value = jsonView(next[0]);
    const depth = next[1];
    if (typeof value === 'string') {
      if (UNSAFE.test(value) || FAILED_QUERY.test(value)) return true;
    } else if (isContainer(value)) {
      if (depth > MAX_STORED_DEPTH) return true;
      if (seen.has(value)) continue;
      seen.add(value);
      if (Array.isArray(value)) for (const item of value) stack.push([item, depth + 1]);
      else
        for (const [key, item] of Object.entries(value)) {
          if (UNSAFE.test(key)) return true;
          stack.push([item, depth + 1]);
        }
    }
  }
  return false;
}

/** A drizzle query error's text ("Failed query: … params: …") that reached a value. */
const FAILED_QUERY = /Failed query: /;

function safeString(value: string): string {
  if (FAILED_QUERY.test(value)) return storageErrorMessage('unknown');
  return textSafe(value);
}

/**
 * A copy with every string and key made safe and containers deeper than `MAX_STORED_DEPTH`
 * replaced; iterative (explicit stack), shared and cyclic parts copied once.
 */
function rebuild(input: unknown): unknown {
  const root = jsonView(input);
  if (typeof root === 'string') return safeString(root);
  if (!isContainer(root)) return root;
  const copies = new Map<object, Container>();
  const work: [Container, Container, number][] = [];
  const copyOf = (value: Container, depth: number) => {
    let copy = copies.get(value);
    if (copy === undefined) {
      copy = Array.isArray(value) ? new Array<unknown>(value.length) : {};
      copies.set(value, copy);
      work.push([value, copy, depth]);
    }
    return copy;
  };
  const top = copyOf(root, 1);
  const convert = (raw: unknown, depth: number): unknown => {
    const item = jsonView(raw);
    if (typeof item === 'string') return safeString(item);
    if (!isContainer(item)) return item;
    return depth > MAX_STORED_DEPTH ? OMITTED_DEEP : copyOf(item, depth);
  };
  for (let next = work.pop(); next !== undefined; next = work.pop()) {
    const [source, target, depth] = next;
    if (Array.isArray(source) && Array.isArray(target)) {
      for (let i = 0; i < source.length; i++) target[i] = convert(source[i], depth + 1);
    } else if (!Array.isArray(source) && !Array.isArray(target)) {
      for (const [key, item] of Object.entries(source)) target[textSafe(key)] = convert(item, depth + 1);
    }
  }
  return top;
}

/** A whole trace event made safe as it will be stored, so live subscribers see exactly the stored event. */
export function safeEvent<T extends object>(event: T): T {
  return safeEventPayload(event) as T;
}
