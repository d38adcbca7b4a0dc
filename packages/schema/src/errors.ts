import { z } from 'zod';
import type { Problem } from './problem.js';

/** Stable error codes shared by engine, CLI and editor. */
export const ErrorCode = z.enum([
  // user errors
  'invalid_document',
  'invalid_input',
  'invalid_request',
  'not_found',
  'conflict',
  'unauthorized',
  /** Authenticated, but the role lacks the permission (or a cookie write lacks its CSRF token). */
  'forbidden',
  // operational errors
  'node_timeout',
  'node_failed',
  'model_error',
  'tool_error',
  'sandbox_error',
  'http_error',
  'rate_limited',
  'budget_exceeded',
  'recursion_limit',
  /** A template or JSONata expression went over its time, depth or size budget. */
  'expression_limit',
  'cancelled',
  'interrupted',
  /** The run's executions kept dying with their worker (SIGKILL, machine loss); it is not retried again. */
  'worker_lost',
  // unexpected
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorInfo = z.object({
  code: ErrorCode,
  message: z.string(),
  nodeId: z.string().optional(),
  retryable: z.boolean().optional(),
  details: z.unknown().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/** An error with a stable code. Thrown across package boundaries; mapped to HTTP in one place. */
export class FlowError extends Error {
  readonly code: ErrorCode;
  readonly nodeId: string | undefined;
  readonly retryable: boolean;
  readonly details: unknown;
  constructor(
    code: ErrorCode,
    message: string,
    opts: { nodeId?: string; retryable?: boolean; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FlowError';
    this.code = code;
    this.nodeId = opts.nodeId;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details;
  }
  toInfo(): ErrorInfo {
    return {
      code: this.code,
      message: truncateMessage(this.message),
      nodeId: this.nodeId,
      retryable: this.retryable,
      details: this.details,
    };
  }
}

/** Thrown when a document is invalid; carries every problem. */
export class InvalidDocumentError extends FlowError {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(
      'invalid_document',
      `The workflow has ${problems.length} problem(s): ${problems
        .slice(0, 3)
        .map((p) => p.message)
        .join('; ')}`,
      { details: problems },
    );
    this.problems = problems;
  }
}

/** Longest error message stored or returned, in UTF-8 bytes; longer ones are cut and their full size noted. */
export const MAX_ERROR_MESSAGE_BYTES = 8192;

/** `message` cut to `maxBytes` UTF-8 bytes (on a character boundary) with a note of its full size. */
export function truncateMessage(message: string, maxBytes = MAX_ERROR_MESSAGE_BYTES): string {
  // A UTF-16 unit is at most 3 UTF-8 bytes, so shorter strings need no encoding.
  if (message.length * 3 <= maxBytes) return message;
  const bytes = new TextEncoder().encode(message);
  if (bytes.length <= maxBytes) return message;
  let end = maxBytes;
  // Back up to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  const head = new TextDecoder().decode(bytes.subarray(0, end));
  return `${head}… [truncated: ${bytes.length} bytes in full]`;
}

/**
 * The SQLSTATE of a database error (drizzle's `DrizzleQueryError`, postgres.js `PostgresError`,
 * PGlite's `DatabaseError`), looked up through `cause`; `undefined` when `err` is not one. Their
 * messages hold SQL text and parameter values (user data), so they never leave the engine as is.
 */
export function storageErrorCode(err: unknown): string | undefined {
  let isStorage = false;
  let sqlstate: string | undefined;
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 6; depth++) {
    const name: unknown = Reflect.get(e, 'name');
    const message: unknown = Reflect.get(e, 'message');
    const code: unknown = Reflect.get(e, 'code');
    if (name === 'DrizzleQueryError' || name === 'PostgresError') isStorage = true;
    if (typeof message === 'string' && message.startsWith('Failed query: ')) isStorage = true;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && Reflect.has(e, 'severity')) {
      isStorage = true;
      sqlstate ??= code;
    }
    e = Reflect.get(e, 'cause');
  }
  return isStorage ? (sqlstate ?? 'unknown') : undefined;
}

/** Driver and socket codes of a lost or refused database connection (postgres.js, Node's `net`). */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/**
 * SQLSTATEs of a server that is going away or not there yet: connection exceptions (class 08),
 * `admin_shutdown`, `crash_shutdown`, `cannot_connect_now` (starting up or shutting down) and
 * `too_many_connections`.
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;

/**
 * Whether `err` (or an error it wraps: `cause`, an `AggregateError`'s `errors`) says the database
 * could not be reached — a restart, a failover, a dropped connection — rather than that it refused
 * what was asked. Work that failed this way is worth trying again once the database answers; the
 * statement itself was not at fault.
 */
export function isStorageUnavailable(err: unknown): boolean {
  return unavailableCode(err) !== undefined;
}

/** The code that makes `err` a database that could not be reached (`ECONNREFUSED`, `57P01`…), else undefined: safe to log (no SQL, no values). */
export function unavailableCode(err: unknown): string | undefined {
  const pending: unknown[] = [err];
  for (let seen = 0; pending.length > 0 && seen < 16; seen++) {
    const e = pending.shift();
    if (typeof e !== 'object' || e === null) continue;
    const code: unknown = Reflect.get(e, 'code');
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return code;
    pending.push(Reflect.get(e, 'cause'));
    const errors: unknown = Reflect.get(e, 'errors');
    if (Array.isArray(errors)) pending.push(...errors);
  }
  return undefined;
}

/**
 * `err` as a log line may carry it: a database error by its code only (`database unreachable
 * (ECONNREFUSED)`, `A storage error occurred (SQLSTATE 23505).`) — its text holds the statement's
 * SQL and values — anything else by its message.
 */
export function loggableError(err: unknown): string {
  const unreachable = unavailableCode(err);
  // Reachable, but at its connection limit: the fix is the pool sizes or the limit, not the network.
  if (unreachable === '53300') return 'database refused a new connection: too many connections (53300)';
  if (unreachable !== undefined) return `database unreachable (${unreachable})`;
  const sqlstate = storageErrorCode(err);
  if (sqlstate !== undefined) return storageErrorMessage(sqlstate);
  return err instanceof Error ? err.message : String(err);
}

/** The message stored and shown for a database error: its SQLSTATE only. */
export function storageErrorMessage(sqlstate: string): string {
  return `A storage error occurred (SQLSTATE ${sqlstate}).`;
}

/**
 * An error as stored and returned: database errors become a generic `internal` message naming
 * only their SQLSTATE; messages longer than `MAX_ERROR_MESSAGE_BYTES` are truncated.
 */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof FlowError) return err.toInfo();
  const sqlstate = storageErrorCode(err);
  if (sqlstate !== undefined) return { code: 'internal', message: storageErrorMessage(sqlstate) };
  if (err instanceof Error) return { code: 'internal', message: truncateMessage(err.message) };
  return { code: 'internal', message: truncateMessage(String(err)) };
}
