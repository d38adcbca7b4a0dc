import { FlowError, toErrorInfo, type ErrorInfo } from '@flowcraft/schema';
import { tool, ToolInputParsingException, type StructuredToolInterface } from '@langchain/core/tools';
import type { FetchLike } from '../sdk/services.js';
import { runToolSpec, type ToolRunResult } from './run-tool-spec.js';
import { argsSchemaFor } from './tool-args.js';
import type { ToolSpec } from './tool-spec.js';

/** Longest tool output handed back to the model; the rest is cut with a marker. */
export const MAX_TOOL_OUTPUT_CHARS = 20_000;

function clip(text: string): string {
  return text.length <= MAX_TOOL_OUTPUT_CHARS
    ? text
    : `${text.slice(0, MAX_TOOL_OUTPUT_CHARS)}… (truncated, ${text.length - MAX_TOOL_OUTPUT_CHARS} more characters)`;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
}

/** The text a model reads for a tool's result. */
export function toolOutputText(spec: ToolSpec, result: ToolRunResult): string {
  if (typeof result === 'number' || typeof result === 'string') return String(result);
  if (spec.kind === 'http' && 'status' in result)
    return clip(JSON.stringify({ status: result.status, body: result.body }));
  if ('logs' in result) {
    return clip(
      result.logs.length === 0 ? asText(result.result) : JSON.stringify({ result: result.result, logs: result.logs }),
    );
  }
  return clip(asText(result));
}

/**
 * A LangChain tool for a spec, for `model.bindTools()` and agent loops. Its argument schema is
 * zod (calculator: `{expression}`; http: `{path?, query?, body?}`; code: `argsSchema` or any
 * object). It returns text for the model and throws FlowError on failure, so the caller decides
 * whether the model sees the error (see invokeToolSafely).
 */
export function toLangChainTool(spec: ToolSpec, deps: { fetch: FetchLike }): StructuredToolInterface {
  return tool(
    async (args, config) => {
      const result = await runToolSpec(spec, args, { fetch: deps.fetch, signal: config?.signal });
      return toolOutputText(spec, result);
    },
    { name: spec.name, description: spec.description, schema: argsSchemaFor(spec) },
  );
}

export type SafeToolResult = { ok: true; output: unknown } | { ok: false; error: string; info: ErrorInfo };

/**
 * Invokes a tool and reports failure as a value, so an agent can hand the message back to the
 * model. Argument validation failures and tool errors become `{ ok: false }`; cancellation
 * (the signal aborted) is rethrown, since the run itself is stopping.
 */
export async function invokeToolSafely(
  langchainTool: StructuredToolInterface,
  args: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<SafeToolResult> {
  try {
    const output: unknown = await langchainTool.invoke(args, { signal });
    return { ok: true, output };
  } catch (err) {
    if (signal?.aborted)
      throw err instanceof FlowError ? err : new FlowError('cancelled', 'The tool call was cancelled', { cause: err });
    const info = errorInfoOf(langchainTool.name, err);
    return { ok: false, error: info.message, info };
  }
}

function errorInfoOf(toolName: string, err: unknown): ErrorInfo {
  if (err instanceof ToolInputParsingException) {
    return {
      code: 'tool_error',
      message: `Invalid arguments for tool "${toolName}": ${err.message}`,
      retryable: false,
    };
  }
  const info = toErrorInfo(err);
  // Errors that are not FlowErrors still came from the tool: report them as tool errors.
  return info.code === 'internal'
    ? { ...info, code: 'tool_error', message: `Tool "${toolName}" failed: ${info.message}` }
    : info;
}
