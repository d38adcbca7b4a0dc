import { GraphRecursionError, isNodeTimeoutError } from '@langchain/langgraph';
import { FlowError } from '@flowcraft/schema';
import type { ErrorInfo } from '@flowcraft/schema';

/** Map anything a run throws to a stable error code. */
export function classifyError(err: unknown, nodeId?: string): ErrorInfo {
  if (err instanceof FlowError) return { ...err.toInfo(), nodeId: err.nodeId ?? nodeId };
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
