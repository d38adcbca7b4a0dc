export { calculate, MAX_EXPRESSION_LENGTH } from './calculator.js';
export {
  DEFAULT_HTTP_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  HttpMethod,
  HttpRequestSpec,
  HttpResponseType,
  httpRequest,
  type HttpRequestDeps,
  type HttpRequestInput,
  type HttpResponse,
} from './http-request.js';
export { parseRetryAfter } from './retry-after.js';
export {
  defaultSandboxPool,
  runSandboxedCode,
  sandboxIsolation,
  SandboxLimits,
  type SandboxOptions,
  type SandboxResult,
} from './code-sandbox.js';
export { HARD_DEADLINE_GRACE_MS, SandboxPool, type SandboxPoolOptions } from './sandbox-pool.js';
export { MAX_LOG_LINES, MAX_LOG_LINE_CHARS } from './sandbox-console.js';
export { CalculatorToolSpec, CodeToolSpec, HttpToolSpec, ToolName, ToolSpec } from './tool-spec.js';
export {
  argsSchemaFor,
  codeArgsSchema,
  CalculatorArgs,
  CodeToolArgs,
  HttpToolArgs,
  parseToolArgs,
} from './tool-args.js';
export { isUrlAllowed, resolveToolUrl } from './http-tool-url.js';
export { runToolSpec, type ToolDeps, type ToolRunResult } from './run-tool-spec.js';
export {
  invokeToolSafely,
  MAX_TOOL_OUTPUT_CHARS,
  toLangChainTool,
  toolOutputText,
  type SafeToolResult,
} from './langchain-tool.js';
export {
  checkAddress,
  checkDestination,
  checkUrlHost,
  compileNetworkPolicy,
  HostPattern,
  NetworkPolicy,
  resolveChecked,
} from './network-policy.js';
export type { BlockedDetails, CompiledNetworkPolicy, HostResolver, NetworkPolicyInput } from './network-policy.js';
export { createGuardedFetch, type GuardedFetchOptions } from './guarded-fetch.js';
export { createGuardedLookup, type GuardedLookupOptions } from './guarded-lookup.js';
export { systemResolver } from './system-resolver.js';
export { McpServerName, McpToolSpec, mcpToolName } from './mcp-tool-spec.js';
export type { McpToolDescription, McpToolProvider, McpToolResult, McpToolSpecInput } from './mcp-tool-spec.js';
export { AgentToolSpec, agentToolName, resolveAgentTools, type AgentToolDeps } from './agent-tools.js';
export {
  RememberToolSpec,
  RecallToolSpec,
  RetrieveToolSpec,
  chunksAsText,
  isStateBoundToolSpec,
  memoryNamespace,
  memoryText,
  namespaceLabel,
  requireKnowledge,
  requireMemory,
  stateBoundTool,
  type StateBoundToolSpec,
} from './memory-tools.js';
