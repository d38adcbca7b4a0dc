import { FlowError } from '@flowcraft/schema';
import { z } from 'zod';
import type { FetchLike } from '../sdk/services.js';
import { readCappedBody } from './read-capped-body.js';
import { parseRetryAfter } from './retry-after.js';

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
/** How much of an error response's body is kept in `FlowError.details.body`. */
const ERROR_BODY_SNIPPET_CHARS = 1000;

export const HttpMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
export type HttpMethod = z.infer<typeof HttpMethod>;

export const HttpResponseType = z
  .enum(['json', 'text', 'auto'])
  .describe('json: parse the body as JSON; text: keep it as text; auto: JSON when the Content-Type says so');
export type HttpResponseType = z.infer<typeof HttpResponseType>;

export const HttpRequestSpec = z.object({
  method: HttpMethod.default('GET'),
  url: z.url({ protocol: /^https?$/, error: 'Expected an absolute http(s) URL' }),
  headers: z.record(z.string(), z.string()).default({}),
  /** A string is sent as is; anything else is sent as JSON. */
  body: z.unknown().optional(),
  timeoutMs: z.number().int().positive().max(600_000).default(DEFAULT_HTTP_TIMEOUT_MS),
  responseType: HttpResponseType.default('auto'),
  maxResponseBytes: z.number().int().positive().default(DEFAULT_MAX_RESPONSE_BYTES),
  /** `manual` returns 3xx responses (as errors) instead of following them, e.g. to keep a URL allowlist. */
  redirect: z.enum(['follow', 'manual']).default('follow'),
});
export type HttpRequestSpec = z.infer<typeof HttpRequestSpec>;
export type HttpRequestInput = z.input<typeof HttpRequestSpec>;

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface HttpRequestDeps {
  fetch: FetchLike;
  signal?: AbortSignal;
  /** Clock for Retry-After dates; defaults to Date.now. */
  now?: () => number;
}

function toolError(message: string, details?: unknown): FlowError {
  return new FlowError('tool_error', message, { retryable: false, details });
}

/** Origin and path only: query strings often carry keys and must not reach messages or traces. */
function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

function parseSpec(req: HttpRequestInput): HttpRequestSpec {
  const parsed = HttpRequestSpec.safeParse(req);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`);
    throw toolError(`Invalid HTTP request: ${issues.join('; ')}`, { issues: parsed.error.issues });
  }
  return parsed.data;
}

function buildInit(spec: HttpRequestSpec, signal: AbortSignal): RequestInit {
  let headers: Headers;
  try {
    headers = new Headers(spec.headers);
  } catch (err) {
    throw toolError(`Invalid HTTP headers: ${err instanceof Error ? err.message : String(err)}`);
  }
  const init: RequestInit = { method: spec.method, headers, signal, redirect: spec.redirect };
  if (spec.body === undefined) return init;
  if (spec.method === 'GET') throw toolError('A GET request cannot have a body');
  if (typeof spec.body === 'string') {
    init.body = spec.body;
  } else {
    init.body = JSON.stringify(spec.body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  return init;
}

function headersOf(response: Response): Record<string, string> {
  const out: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

function isJsonContentType(contentType: string | null): boolean {
  return contentType !== null && /(^|[/+])json\b/i.test(contentType.split(';')[0] ?? '');
}

function decodeBody(text: string, response: Response, type: HttpResponseType, where: string): unknown {
  if (type === 'text') return text;
  const looksJson = isJsonContentType(response.headers.get('content-type'));
  if (type === 'auto' && !looksJson) return text;
  if (text.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    if (type === 'auto') return text;
    throw new FlowError('http_error', `The response from ${where} is not valid JSON`, {
      retryable: false,
      details: { status: response.status, body: text.slice(0, ERROR_BODY_SNIPPET_CHARS) },
    });
  }
}

function statusError(response: Response, text: string | undefined, spec: HttpRequestSpec, now: number): FlowError {
  const where = `${spec.method} ${describeUrl(spec.url)}`;
  const status = response.status;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  const details = {
    status,
    url: describeUrl(spec.url),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(text === undefined ? {} : { body: text.slice(0, ERROR_BODY_SNIPPET_CHARS) }),
    ...(status >= 300 && status < 400 ? { location: response.headers.get('location') } : {}),
  };
  const statusText = response.statusText ? ` ${response.statusText}` : '';
  if (status === 429) {
    return new FlowError('rate_limited', `${where} was rate limited (HTTP 429)`, { retryable: true, details });
  }
  const retryable = status === 408 || status >= 500;
  return new FlowError('http_error', `${where} failed with HTTP ${status}${statusText}`, { retryable, details });
}

function failure(err: unknown, spec: HttpRequestSpec, deps: HttpRequestDeps, timeout: AbortSignal): FlowError {
  const where = `${spec.method} ${describeUrl(spec.url)}`;
  if (err instanceof FlowError) return err;
  // A transport whose connect-time lookup refused the address (createGuardedLookup) wraps our error.
  if (err instanceof Error && err.cause instanceof FlowError) return err.cause;
  if (deps.signal?.aborted) {
    return new FlowError('cancelled', `${where} was cancelled`, { retryable: false, cause: deps.signal.reason });
  }
  if (timeout.aborted) {
    return new FlowError('http_error', `${where} timed out after ${spec.timeoutMs} ms`, {
      retryable: true,
      details: { url: describeUrl(spec.url), timeoutMs: spec.timeoutMs },
      cause: err,
    });
  }
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  const message = err instanceof Error ? err.message : String(err);
  return new FlowError('http_error', `${where} failed (network error: ${message}${cause})`, {
    retryable: true,
    details: { url: describeUrl(spec.url) },
    cause: err,
  });
}

/**
 * Performs one HTTP request through the injected fetch. Throws FlowError:
 * `tool_error` for an invalid request, `rate_limited` (retryable, `details.retryAfterMs`) for 429,
 * `http_error` for other non-2xx statuses (retryable for 408 and 5xx), timeouts and network
 * failures (retryable) and bodies over `maxResponseBytes`; `cancelled` when `deps.signal` aborts.
 */
export async function httpRequest(req: HttpRequestInput, deps: HttpRequestDeps): Promise<HttpResponse> {
  const spec = parseSpec(req);
  const where = `${spec.method} ${describeUrl(spec.url)}`;
  if (deps.signal?.aborted) {
    throw new FlowError('cancelled', `${where} was cancelled`, { retryable: false, cause: deps.signal.reason });
  }
  const timeout = AbortSignal.timeout(spec.timeoutMs);
  const signal = deps.signal ? AbortSignal.any([deps.signal, timeout]) : timeout;
  const init = buildInit(spec, signal);
  const now = deps.now ?? Date.now;
  try {
    const response = await deps.fetch(spec.url, init);
    if (!response.ok) {
      let text: string | undefined;
      try {
        text = new TextDecoder().decode(await readCappedBody(response, spec.maxResponseBytes, where));
      } catch (err) {
        if (signal.aborted) throw err;
        text = undefined;
      }
      throw statusError(response, text, spec, now());
    }
    const bytes = await readCappedBody(response, spec.maxResponseBytes, where);
    const text = new TextDecoder().decode(bytes);
    return {
      status: response.status,
      headers: headersOf(response),
      body: decodeBody(text, response, spec.responseType, where),
    };
  } catch (err) {
    throw failure(err, spec, deps, timeout);
  }
}
