import { GraphRecursionError, isNodeTimeoutError } from '@langchain/langgraph';
import { FlowError, storageErrorCode, storageErrorMessage } from '@flowcraft/schema';
import type { ErrorInfo } from '@flowcraft/schema';
import { processScrubber } from '../secrets/known-secrets.js';

/**
 * Map anything a run throws to a stable error code. The message and details are scrubbed of the
 * process's secrets in every encoding (env credentials, secret-store values): this is what
 * `node.failed` events, the run's error and the error branch's `__error` channel carry. Provider
 * errors are already scrubbed at their source; this catches tools, MCP servers and the rest.
 */
export function classifyError(err: unknown, nodeId?: string): ErrorInfo {
  const info = classify(err, nodeId);
  const scrubber = processScrubber();
  const message = scrubber.scrub(info.message);
  const details = info.details === undefined ? {} : { details: scrubber.scrubValue(info.details) };
  return { ...info, message, ...details };
}

function classify(err: unknown, nodeId?: string): ErrorInfo {
  if (err instanceof FlowError) return { ...err.toInfo(), nodeId: err.nodeId ?? nodeId };
  // Database errors carry SQL text and parameters: only their SQLSTATE leaves the engine.
  const sqlstate = storageErrorCode(err);
  if (sqlstate !== undefined) return { code: 'internal', message: storageErrorMessage(sqlstate), nodeId };
  if (err instanceof GraphRecursionError) {
    return {
      code: 'recursion_limit',
      message:
        'The run exceeded the workflow recursion limit (a loop did not finish). Raise settings.recursionLimit or bound the loop.',
      nodeId,
    };
  }
  if (isNodeTimeoutError(err)) return { code: 'node_timeout', message: err.message, nodeId, retryable: true };
  const message = err instanceof Error ? err.message : String(err);
  const status =
    err !== null && typeof err === 'object' && 'status' in err && typeof err.status === 'number'
      ? err.status
      : undefined;
  if (status !== undefined)
    return {
      code: status === 429 ? 'rate_limited' : 'model_error',
      message,
      nodeId,
      retryable: status === 429 || status >= 500,
    };
  return { code: nodeId ? 'node_failed' : 'internal', message, nodeId };
}
