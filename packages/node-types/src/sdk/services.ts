import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { StructuredToolInterface } from '@langchain/core/tools';
import type { BaseStore } from '@langchain/langgraph';
import type { RetrievedChunk } from '@flowcraft/schema';
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

/**
 * Long-term memory (injected as `services.memory`): LangGraph's store on the engine's database, and the
 * namespace root of the current workflow (`['workflow', <id>]`). Nodes put their items below that root.
 */
export interface MemoryAccess {
  store: BaseStore;
  workflowNamespace: string[];
  /** `put` with a time to live in minutes, where the store has TTLs (the engine's does). */
  putWithTtl?: (namespace: string[], key: string, value: Record<string, unknown>, ttlMinutes: number) => Promise<void>;
}

export interface RetrieveRequest {
  knowledgeBase: string;
  query: string;
  topK: number;
  threshold?: number;
  filter?: Record<string, unknown>;
}

/**
 * Retrieval over the engine's knowledge bases (injected as `services.knowledge`). Throws FlowError
 * `not_found` for an unknown knowledge base.
 */
export interface KnowledgeRetriever {
  retrieve(request: RetrieveRequest, signal?: AbortSignal): Promise<RetrievedChunk[]>;
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
  /** Long-term memory; absent when the engine has no store (memory nodes and tools then fail with `tool_error`). */
  memory?: MemoryAccess;
  /** Knowledge bases; absent when the engine has none wired. */
  knowledge?: KnowledgeRetriever;
}
