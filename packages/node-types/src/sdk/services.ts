import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { McpToolProvider } from '../tools/mcp-tool-spec.js';

export interface ModelRequest {
  /** Canvas node id making the call; the scripted model keys its replies by it. */
  nodeId: string;
}

/** Creates LangChain chat models from `provider:model` specs. Injected into node builds. */
export interface ModelFactory {
  chat(spec: string, req: ModelRequest): BaseChatModel;
}

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Every I/O a node type may perform comes through these services. */
export interface NodeServices {
  models: ModelFactory;
  fetch: FetchLike;
  /** Clock and sleep, injectable for tests. */
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The engine's MCP servers (tools of kind `mcp`); absent when none is configured. */
  mcp?: McpToolProvider;
}
