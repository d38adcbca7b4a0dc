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
      message: this.message,
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

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof FlowError) return err.toInfo();
  if (err instanceof Error) return { code: 'internal', message: err.message };
  return { code: 'internal', message: String(err) };
}
