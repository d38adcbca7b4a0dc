import { z } from 'zod';
import { HTTPException } from 'hono/http-exception';
import { FlowError, InvalidDocumentError, Problem, isStorageUnavailable, truncateMessage } from '@flowcraft/schema';
import type { HttpErrorCode, ProblemDetails, RequestIssue } from './schemas/problem.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS: Record<HttpErrorCode, number> = {
  invalid_document: 422,
  invalid_input: 422,
  invalid_request: 400,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  payload_too_large: 413,
  unsupported_media_type: 415,
  forbidden: 403,
  misdirected_request: 421,
  rate_limited: 429,
  budget_exceeded: 422,
  recursion_limit: 422,
  expression_limit: 422,
  cancelled: 409,
  interrupted: 409,
  worker_lost: 500,
  node_timeout: 504,
  model_error: 502,
  tool_error: 502,
  http_error: 502,
  node_failed: 500,
  sandbox_error: 500,
  internal: 500,
  unavailable: 503,
};

const TITLE: Record<HttpErrorCode, string> = {
  invalid_document: 'Invalid workflow document',
  invalid_input: 'Invalid input',
  invalid_request: 'Invalid request',
  not_found: 'Not found',
  conflict: 'Conflict',
  unauthorized: 'Unauthorized',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  forbidden: 'Forbidden',
  misdirected_request: 'Misdirected request',
  rate_limited: 'Rate limited',
  budget_exceeded: 'Budget exceeded',
  recursion_limit: 'Recursion limit reached',
  expression_limit: 'Expression over its budget',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  worker_lost: 'Worker lost',
  node_timeout: 'Node timed out',
  model_error: 'Model error',
  tool_error: 'Tool error',
  http_error: 'Upstream HTTP error',
  node_failed: 'Node failed',
  sandbox_error: 'Sandbox error',
  internal: 'Internal error',
  unavailable: 'Service unavailable',
};

const INTERNAL_DETAIL = 'An unexpected error occurred. It has been logged.';

/** A request whose body, path or query does not match its schema (400 with every issue). */
export class RequestValidationError extends FlowError {
  readonly issues: RequestIssue[];
  constructor(issues: RequestIssue[]) {
    const first = issues[0];
    const where = first
      ? `${first.location}${first.path.length > 0 ? ` ${first.path.join('.')}` : ''}: ${first.message}`
      : 'invalid';
    super(
      'invalid_request',
      `The request is invalid (${where}${issues.length > 1 ? `, and ${issues.length - 1} more` : ''}).`,
    );
    this.name = 'RequestValidationError';
    this.issues = issues;
  }
}

/**
 * A request value the engine refuses to take in (422 `invalid_input` with every issue): nested too
 * deep, too long, holding NUL or an unpaired surrogate, a number out of range.
 */
export class UnacceptableValueError extends FlowError {
  readonly issues: RequestIssue[];
  constructor(issues: RequestIssue[]) {
    const first = issues[0];
    super(
      'invalid_input',
      first
        ? `The request cannot be accepted (${first.location}${first.path.length > 0 ? ` ${first.path.join('.')}` : ''}: ${first.message})`
        : 'The request cannot be accepted.',
    );
    this.name = 'UnacceptableValueError';
    this.issues = issues;
  }
}

/** Over a rate limit: 429 with `Retry-After`. */
export class RateLimitedError extends FlowError {
  readonly retryAfterSeconds: number;
  constructor(limit: string, retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super('rate_limited', `Too many requests (${limit} limit): try again in ${seconds} s.`);
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = seconds;
  }
}

/** A request refused before routing: wrong `Host` (421) or cross-site `Origin` (403). */
export class RefusedRequestError extends Error {
  readonly code: 'forbidden' | 'misdirected_request';
  constructor(code: 'forbidden' | 'misdirected_request', message: string) {
    super(message);
    this.name = 'RefusedRequestError';
    this.code = code;
  }
}

export interface MappedError {
  problem: ProblemDetails;
  headers: Record<string, string>;
  /** True for errors that are bugs (logged by the caller). */
  unexpected: boolean;
}

/** A problem; `detail` is cut to 8 KB (full size noted), so no message makes a response unbounded. */
export function problem(code: HttpErrorCode, detail: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  return {
    type: `urn:flowcraft:problem:${code}`,
    title: TITLE[code],
    status: STATUS[code],
    detail: truncateMessage(detail),
    code,
    ...extra,
  };
}

/** The one place where errors become HTTP responses. Never exposes stacks or unexpected messages. */
export function mapError(err: unknown): MappedError {
  if (err instanceof RequestValidationError)
    return expected(problem('invalid_request', err.message, { issues: err.issues }));
  if (err instanceof UnacceptableValueError)
    return expected(problem('invalid_input', err.message, { issues: err.issues }));
  if (err instanceof RefusedRequestError) return expected(problem(err.code, err.message));
  if (err instanceof RateLimitedError)
    return expected(problem('rate_limited', err.message), { 'Retry-After': String(err.retryAfterSeconds) });
  if (err instanceof InvalidDocumentError)
    return expected(problem('invalid_document', err.message, { problems: err.problems }));
  if (err instanceof FlowError) {
    if (err.code === 'internal')
      return { problem: problem('internal', INTERNAL_DETAIL), headers: {}, unexpected: true };
    const problems = err.code === 'invalid_document' ? z.array(Problem).safeParse(err.details) : undefined;
    const base = problem(err.code, err.message, problems?.success ? { problems: problems.data } : {});
    return expected(base, err.code === 'unauthorized' ? { 'WWW-Authenticate': 'Bearer' } : {});
  }
  if (err instanceof HTTPException) return fromHttpException(err);
  // Not a bug: the database is restarting or failing over. Clients and load balancers retry a 503.
  if (isStorageUnavailable(err))
    return expected(problem('unavailable', UNAVAILABLE_DETAIL), { 'Retry-After': String(UNAVAILABLE_RETRY_SECONDS) });
  return { problem: problem('internal', INTERNAL_DETAIL), headers: {}, unexpected: true };
}

const UNAVAILABLE_RETRY_SECONDS = 2;
const UNAVAILABLE_DETAIL = 'The database cannot be reached right now; try again in a few seconds.';

function expected(p: ProblemDetails, headers: Record<string, string> = {}): MappedError {
  return { problem: p, headers, unexpected: false };
}

function fromHttpException(err: HTTPException): MappedError {
  const code = codeForStatus(err.status);
  if (code === 'internal') return { problem: problem('internal', INTERNAL_DETAIL), headers: {}, unexpected: true };
  const headers: Record<string, string> = {};
  const challenge = err.res?.headers.get('WWW-Authenticate');
  if (challenge) headers['WWW-Authenticate'] = challenge;
  // A body refused for its size was not read to its end, and the server drops the connection after
  // answering. Said so, a client opens a new connection for its next request; answered as
  // keep-alive, a client sent its next request on the dropped one and got a network error.
  if (code === 'payload_too_large') headers.Connection = 'close';
  const detail = err.message || TITLE[code];
  return expected({ ...problem(code, detail), status: err.status }, headers);
}

function codeForStatus(status: number): HttpErrorCode {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    default:
      return status >= 400 && status < 500 ? 'invalid_request' : 'internal';
  }
}

/** A `application/problem+json` response for a problem. */
export function problemResponse(p: ProblemDetails, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(p), {
    status: p.status,
    headers: { ...headers, 'Content-Type': PROBLEM_CONTENT_TYPE },
  });
}

/** Convert zod issues of one request part into request issues. */
export function requestIssues(
  location: RequestIssue['location'],
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): RequestIssue[] {
  return issues.map((issue) => ({
    location,
    path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: issue.message,
  }));
}
