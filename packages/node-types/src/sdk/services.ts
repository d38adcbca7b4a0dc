import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { StructuredToolInterface } from '@langchain/core/tools';
import type { ExpressionLimitsInput } from './expression-limits.js';

export interface ModelRequest {
  /** Canvas node id making the call; the scripted model keys its replies by it. */
  nodeId: string;
}

/** Creates LangChain chat models from `provider:model` specs. Injected into node builds. */
export interface ModelFactory {
  chat(spec: string, req: ModelRequest): BaseChatModel;
}

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** One tool of one MCP server, as a node references it (the parsed `McpToolSpec` of `tools/`). */
export interface McpToolRef {
  kind: 'mcp';
  server: string;
  /** The tool's name on the server. */
  tool: string;
  /** The name the model sees (default `<server>__<tool>`, see `mcpToolName`). */
  name?: string;
  /** Replaces the server's description of the tool. */
  description?: string;
  timeoutMs: number;
}

/** What one MCP tool call returned: its text content joined, and its structured content if any. */
export interface McpToolResult {
  text: string;
  structured?: unknown;
}

/**
 * The engine's MCP connections as node types see them (injected as `services.mcp`).
 * Both methods throw FlowError: `tool_error` (unknown server or tool, the tool reported an error),
 * `http_error` (connection failed or timed out, retryable), `cancelled`.
 */
export interface McpToolProvider {
  /** A LangChain tool named `mcpToolName(spec)` for agent loops (`bindTools`). */
  langchainTool(spec: McpToolRef, signal?: AbortSignal): Promise<StructuredToolInterface>;
  /** Calls the tool once (tool node). */
  callTool(spec: McpToolRef, args: Record<string, unknown>, signal?: AbortSignal): Promise<McpToolResult>;
}

/** Every I/O a node type may perform comes through these services. */
export interface NodeServices {
  models: ModelFactory;
  fetch: FetchLike;
  /** Clock and sleep, injectable for tests. */
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The engine's MCP servers (tools of kind `mcp`); absent when none is configured. */
  mcp?: McpToolProvider;
  /** Budget of every template and expression evaluation; unset fields use `resolveExpressionLimits()`. */
  expressionLimits?: ExpressionLimitsInput;
}
