import { isGraphBubbleUp, isNodeTimeoutError } from '@langchain/langgraph';
import type { RetryPolicy } from '@langchain/langgraph';
import { FlowError } from '@flowcraft/schema';
import type { RetrySettings } from '@flowcraft/schema';

const RETRYABLE_NET = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function prop(err: unknown, key: string): unknown {
  if (err === null || typeof err !== 'object') return undefined;
  // Reflect.get also reads non-enumerable properties such as an Error's `cause`.
  const value: unknown = Reflect.get(err, key);
  return value;
}

/** Retryable: timeouts, 408/429/5xx, connection resets, errors marked retryable. Not: validation, auth, aborts. */
export function isRetryable(err: unknown): boolean {
  if (isGraphBubbleUp(err)) return false;
  if (err instanceof FlowError) return err.retryable;
  if (isNodeTimeoutError(err)) return true;
  if (err instanceof Error && err.name === 'AbortError') return false;
  const status = prop(err, 'status') ?? prop(err, 'statusCode');
  if (typeof status === 'number') return status === 408 || status === 429 || status >= 500;
  const code = prop(err, 'code') ?? prop(prop(err, 'cause'), 'code');
  if (typeof code === 'string' && RETRYABLE_NET.has(code)) return true;
  return false;
}

/** LangGraph retry policy from node config merged over workflow settings; undefined for a single attempt. */
export function retryPolicyFor(
  settings: RetrySettings,
  override: Partial<RetrySettings> | undefined,
): RetryPolicy | undefined {
  const r = { ...settings, ...(override ?? {}) };
  if (r.maxAttempts <= 1) return undefined;
  return {
    maxAttempts: r.maxAttempts,
    initialInterval: r.initialIntervalMs,
    backoffFactor: r.backoffFactor,
    maxInterval: r.maxIntervalMs,
    jitter: r.jitter,
    retryOn: isRetryable,
    logWarning: false,
  };
}
