import { z } from 'zod';
import { ToolName } from './tool-spec.js';

/** An MCP server's name in the engine configuration (also the first part of default tool names). */
export const McpServerName = z.string().regex(/^[a-zA-Z0-9_-]{1,32}$/, 'Use 1 to 32 letters, digits, "_" or "-"');

/**
 * A tool of an MCP server configured in the engine, referenced by server and tool name. Its
 * argument schema and default description come from the server when the run starts.
 */
export const McpToolSpec = z.object({
  kind: z.literal('mcp'),
  server: McpServerName,
  /** The tool's name on the server (MCP names may contain characters model providers refuse). */
  tool: z.string().min(1).max(128),
  /** The name the model sees; default `<server>__<tool>` made provider-safe (see mcpToolName). */
  name: ToolName.optional(),
  /** Replaces the server's description of the tool. */
  description: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().max(600_000).default(60_000),
});
export type McpToolSpec = z.infer<typeof McpToolSpec>;
export type McpToolSpecInput = z.input<typeof McpToolSpec>;

/** `github`, `search.issues` → `github__search_issues`, cut to the 64 characters providers accept. */
export function mcpToolName(spec: Pick<McpToolSpec, 'server' | 'tool' | 'name'>): string {
  if (spec.name !== undefined) return spec.name;
  return `${spec.server}__${spec.tool}`.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
}

/** A tool as an MCP server describes it, for the editor's tool picker (`GET /v1/mcp/tools`). */
export interface McpToolDescription {
  server: string;
  name: string;
  description: string;
  /** JSON Schema of the arguments, as the server sent it. */
  inputSchema: Record<string, unknown>;
  /** JSON Schema of `structured`, when the server declares one. */
  outputSchema?: Record<string, unknown>;
}

// The provider interface lives in the SDK (services), so services do not import tools.
export type { McpToolProvider, McpToolResult } from '../sdk/services.js';
