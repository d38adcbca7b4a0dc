import { FlowError } from '@flowcraft/schema';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/** The content of a CallToolResult as text: text parts joined, other parts named. */
export function textOfContent(content: unknown): string {
  if (!Array.isArray(content)) return '';
  const parts: string[] = [];
  for (const item of content) {
    if (typeof item !== 'object' || item === null) continue;
    const type: unknown = Reflect.get(item, 'type');
    if (type === 'text') {
      parts.push(String(Reflect.get(item, 'text') ?? ''));
    } else if (type === 'image' || type === 'audio') {
      parts.push(`[${type} ${String(Reflect.get(item, 'mimeType') ?? '')}]`);
    } else if (type === 'resource_link') {
      parts.push(`[resource ${String(Reflect.get(item, 'uri') ?? '')}]`);
    } else if (type === 'resource') {
      const resource: unknown = Reflect.get(item, 'resource');
      const text = typeof resource === 'object' && resource !== null ? Reflect.get(resource, 'text') : undefined;
      const uri = typeof resource === 'object' && resource !== null ? Reflect.get(resource, 'uri') : undefined;
      parts.push(typeof text === 'string' ? text : `[resource ${String(uri ?? '')}]`);
    }
  }
  return parts.join('\n');
}

export interface CallContext {
  server: string;
  tool?: string;
  /** e.g. `call tool "add"`, for the message. */
  action: string;
  signal?: AbortSignal;
  timeout?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Maps a failed MCP request: `cancelled` when the caller aborted, a retryable `tool_error` for a
 * timeout or a closed connection, `tool_error` otherwise; messages name the server (and tool).
 */
export function mcpCallError(err: unknown, ctx: CallContext): FlowError {
  const details = { server: ctx.server, ...(ctx.tool === undefined ? {} : { tool: ctx.tool }) };
  if (ctx.signal?.aborted)
    return new FlowError('cancelled', `MCP server "${ctx.server}": ${ctx.action} was cancelled`, {
      details,
      cause: err,
    });
  if (err instanceof FlowError) return err;
  const code = err instanceof McpError ? err.code : undefined;
  if (ctx.timeout?.aborted || code === Number(ErrorCode.RequestTimeout)) {
    const after = ctx.timeoutMs === undefined ? '' : ` after ${ctx.timeoutMs} ms`;
    return new FlowError('tool_error', `MCP server "${ctx.server}" timed out${after} trying to ${ctx.action}`, {
      retryable: true,
      details: { ...details, timeoutMs: ctx.timeoutMs },
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  const closed = code === Number(ErrorCode.ConnectionClosed);
  return new FlowError('tool_error', `MCP server "${ctx.server}" could not ${ctx.action}: ${message}`, {
    retryable: closed,
    details,
    cause: err,
  });
}
