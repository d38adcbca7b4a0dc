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
export { runSandboxedCode, SandboxLimits, type SandboxOptions, type SandboxResult } from './code-sandbox.js';
export { MAX_LOG_LINES, MAX_LOG_LINE_CHARS } from './sandbox-console.js';
export { CalculatorToolSpec, CodeToolSpec, HttpToolSpec, ToolName, ToolSpec } from './tool-spec.js';
export { argsSchemaFor, codeArgsSchema, CalculatorArgs, CodeToolArgs, HttpToolArgs, parseToolArgs } from './tool-args.js';
export { isUrlAllowed, resolveToolUrl } from './http-tool-url.js';
export { runToolSpec, type ToolDeps, type ToolRunResult } from './run-tool-spec.js';
export {
  invokeToolSafely,
  MAX_TOOL_OUTPUT_CHARS,
  toLangChainTool,
  toolOutputText,
  type SafeToolResult,
} from './langchain-tool.js';
