import type { z } from '@hono/zod-openapi';
import { FlowError } from '@flowcraft/schema';
import { PROBLEM_CONTENT_TYPE } from '../problem-response.js';
import { ProblemDetails } from '../schemas/problem.js';

/** A JSON response entry for `createRoute`. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A required JSON request body for `createRoute`. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { 'application/json': { schema } } };
}

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 421 | 422 | 429 | 500 | 503;

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400:
    'Malformed JSON, or a body, path or query parameter that does not match its schema, is not valid ' +
    'percent-encoded UTF-8, or a cursor this API did not issue (`invalid_request`, with `issues`).',
  401: 'No or wrong credentials: session cookie, personal API key or API_KEY (`unauthorized`).',
  403:
    "The caller's role lacks the operation's permission (`x-flowcraft-permission`), a cookie-authenticated write without its " +
    '`x-csrf-token`, or a write from a web origin that a key-less engine does not trust (`forbidden`).',
  404: 'The resource does not exist (`not_found`).',
  409: 'The change conflicts with the current state (`conflict`).',
  413: 'The body is larger than the configured limit (`payload_too_large`).',
  415: 'The body is not JSON (`unsupported_media_type`).',
  421: 'A key-less engine answers only to loopback host names and ALLOWED_HOSTS (`misdirected_request`).',
  422:
    'The workflow document or the run input is invalid (`invalid_document` with every `problems` entry), or a value ' +
    'breaks a limit: nested too deep, a string too long, NUL, an unpaired surrogate (`invalid_input` with `issues`).',
  429: 'Over a rate limit (`rate_limited`); `Retry-After` says when to try again.',
  500: 'An unexpected error (`internal`); it is logged, and no message or stack is returned.',
  503: 'The database cannot be reached right now (`unavailable`: a restart, a failover); `Retry-After` says when to try again.',
};

const problemEntry = (status: ErrorStatus) => ({
  description: ERROR_DESCRIPTIONS[status],
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemDetails } },
});

/**
 * Problem responses for the given statuses, plus those any request may get: 400 (malformed
 * parameters), 401 (an API key may be required), 403 (a write from a foreign origin), 421 (a foreign `Host`), 422 (a value beyond
 * the limits), 500 and 503.
 */
export function problemResponses(...statuses: ErrorStatus[]) {
  return responsesFor([...statuses, 400, 401, 403, 421, 422, 429, 500, 503]);
}

/** Problem responses of a public operation (no API key needed): the given statuses, 400, 421, 500 and 503. */
export function publicProblemResponses(...statuses: ErrorStatus[]) {
  return responsesFor([...statuses, 400, 421, 500, 503]);
}

function responsesFor(all: ErrorStatus[]) {
  const out: Partial<Record<ErrorStatus, ReturnType<typeof problemEntry>>> = {};
  for (const status of all) out[status] = problemEntry(status);
  return out;
}

/** The value, or a `not_found` FlowError with the given message. */
export function found<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new FlowError('not_found', message);
  return value;
}
