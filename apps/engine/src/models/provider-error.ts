import { FlowError } from '@flowcraft/schema';
import { parseRetryAfter } from '@flowcraft/node-types/tools';
import type { Scrubber } from '../secrets/scrubber.js';
import type { CallScope } from './call-scope.js';

const RETRYABLE_NET = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const MAX_MESSAGE = 400;

function prop(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' ? Reflect.get(v, key) : undefined;
}

/** HTTP status of a provider client error (OpenAI/Anthropic `status`, Ollama `status_code`). */
export function statusOf(err: unknown, scope?: CallScope): number | undefined {
  for (const v of [
    prop(err, 'status'),
    prop(err, 'status_code'),
    prop(err, 'statusCode'),
    prop(prop(err, 'response'), 'status'),
  ]) {
    if (typeof v === 'number' && v >= 100) return v;
  }
  const seen = scope?.response?.status;
  return seen !== undefined && seen >= 400 ? seen : undefined;
}

function header(err: unknown, scope: CallScope | undefined, name: string): string | undefined {
  const fromScope = scope?.response?.headers.get(name);
  if (fromScope) return fromScope;
  const h = prop(err, 'headers');
  if (h instanceof Headers) return h.get(name) ?? undefined;
  const v = prop(h, name);
  return typeof v === 'string' ? v : undefined;
}

/** Wait asked for by `retry-after-ms` (OpenAI) or `Retry-After` (seconds or HTTP date). */
export function retryAfterMsOf(err: unknown, scope: CallScope | undefined, now: number): number | undefined {
  const ms = header(err, scope, 'retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  return parseRetryAfter(header(err, scope, 'retry-after'), now);
}

function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 4; e = prop(e, 'cause'), depth++) {
    const code = prop(e, 'code');
    if (typeof code === 'string' && RETRYABLE_NET.has(code)) return true;
    const name = prop(e, 'name');
    if (name === 'APIConnectionError' || name === 'APIConnectionTimeoutError' || name === 'TimeoutError') return true;
    if (e instanceof TypeError && e.message === 'fetch failed') return true;
  }
  return false;
}

export interface ProviderErrorContext {
  spec: string;
  nodeId?: string;
  scope?: CallScope;
  /** Set when the router's own call timeout fired. */
  timeoutMs?: number;
  /** Removes the configured secrets (in every encoding) from provider messages. */
  scrubber: Scrubber;
  now: number;
}

/**
 * A provider failure as a FlowError with a stable code and the retryable flag the engine's
 * retry policy and the fallback chain read: 429 → `rate_limited` (with `details.retryAfterMs`);
 * 408, 409, 5xx, 529, connection resets and call timeouts → retryable `model_error`; other 4xx
 * (validation, auth, unknown model) → not retryable. The message is scrubbed of credentials and
 * the raw client error is not kept as `cause` (it may carry request details).
 */
export function toProviderError(err: unknown, ctx: ProviderErrorContext): FlowError {
  if (err instanceof FlowError) return err;
  const { spec } = ctx;
  const rawMessage = err instanceof Error ? err.message : String(err);
  const clean = (t: string) => {
    const s = ctx.scrubber.scrub(t).replace(/\s+/g, ' ').trim();
    return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s;
  };
  if (ctx.timeoutMs !== undefined) {
    return new FlowError('model_error', `${spec} did not respond within ${ctx.timeoutMs} ms`, {
      nodeId: ctx.nodeId,
      retryable: true,
      details: { model: spec, timeoutMs: ctx.timeoutMs, reason: 'timeout' },
    });
  }
  const status = statusOf(err, ctx.scope);
  if (status !== undefined) {
    const detail = clean(rawMessage.replace(new RegExp(`^${status}\\s*`), ''));
    const base = { model: spec, status };
    if (status === 429) {
      const retryAfterMs = retryAfterMsOf(err, ctx.scope, ctx.now);
      return new FlowError(
        'rate_limited',
        `${spec} was rate limited (HTTP 429)${retryAfterMs !== undefined ? `, retry after ${retryAfterMs} ms` : ''}: ${detail}`,
        {
          nodeId: ctx.nodeId,
          retryable: true,
          details: { ...base, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
        },
      );
    }
    if (status === 401 || status === 403) {
      return new FlowError('model_error', `${spec} refused the credentials (HTTP ${status}): ${detail}`, {
        nodeId: ctx.nodeId,
        retryable: false,
        details: { ...base, reason: 'auth' },
      });
    }
    const retryable = status === 408 || status === 409 || status >= 500;
    return new FlowError('model_error', `${spec} failed with HTTP ${status}: ${detail}`, {
      nodeId: ctx.nodeId,
      retryable,
      details: base,
    });
  }
  if (isNetworkError(err)) {
    const cause = clean(String(prop(prop(err, 'cause'), 'message') ?? ''));
    return new FlowError(
      'model_error',
      `${spec} could not be reached: ${clean(rawMessage)}${cause ? ` (${cause})` : ''}`,
      { nodeId: ctx.nodeId, retryable: true, details: { model: spec, reason: 'network' } },
    );
  }
  return new FlowError('model_error', `${spec} failed: ${clean(rawMessage)}`, {
    nodeId: ctx.nodeId,
    retryable: false,
    details: { model: spec },
  });
}
