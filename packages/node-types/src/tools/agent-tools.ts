import { FlowError } from '@flowcraft/schema';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { z } from 'zod';
import type { FetchLike } from '../sdk/services.js';
import { toLangChainTool } from './langchain-tool.js';
import { McpToolSpec, mcpToolName, type McpToolProvider } from './mcp-tool-spec.js';
import { CalculatorToolSpec, CodeToolSpec, HttpToolSpec } from './tool-spec.js';
import { RecallToolSpec, RememberToolSpec, RetrieveToolSpec, isStateBoundToolSpec } from './memory-tools.js';

/** Every tool an agent may use: the built-in kinds plus tools of the engine's MCP servers. */
export const AgentToolSpec = z.discriminatedUnion('kind', [
  CalculatorToolSpec,
  HttpToolSpec,
  CodeToolSpec,
  McpToolSpec,
  RememberToolSpec,
  RecallToolSpec,
  RetrieveToolSpec,
]);
export type AgentToolSpec = z.infer<typeof AgentToolSpec>;

export interface AgentToolDeps {
  fetch: FetchLike;
  /** The engine's MCP connections; required only when a spec has kind `mcp`. */
  mcp?: McpToolProvider;
  signal?: AbortSignal;
}

/** The name the model sees for a spec. */
export function agentToolName(spec: AgentToolSpec): string {
  return spec.kind === 'mcp' ? mcpToolName(spec) : spec.name;
}

/**
 * LangChain tools for an agent's specs, in order. MCP tools are fetched from `deps.mcp` (which
 * connects to the server on first use), so this is async; call it once per node build or run.
 * Throws FlowError: `invalid_input` for two tools with one name, `tool_error` when an MCP tool is
 * configured but the engine has no MCP servers, and whatever the MCP provider throws.
 */
export async function resolveAgentTools(
  specs: readonly AgentToolSpec[],
  deps: AgentToolDeps,
): Promise<StructuredToolInterface[]> {
  const seen = new Set<string>();
  for (const spec of specs) {
    const name = agentToolName(spec);
    if (seen.has(name))
      throw new FlowError('invalid_input', `Two tools are named "${name}"; tool names must be unique`);
    seen.add(name);
  }
  // remember / recall / retrieve depend on the run's state: the agent builds them per iteration (`stateBoundTool`).
  const plain = specs.filter((s) => !isStateBoundToolSpec(s));
  return Promise.all(
    plain.map(async (spec) => {
      if (isStateBoundToolSpec(spec)) throw new FlowError('internal', 'unreachable');
      if (spec.kind !== 'mcp') return toLangChainTool(spec, { fetch: deps.fetch });
      if (!deps.mcp) {
        throw new FlowError(
          'tool_error',
          `Tool "${spec.tool}" needs MCP server "${spec.server}", but the engine has no MCP servers configured`,
          {
            details: { server: spec.server, tool: spec.tool },
          },
        );
      }
      return deps.mcp.langchainTool(spec, deps.signal);
    }),
  );
}
