import { FlowError } from '@flowcraft/schema';
import { McpServerName } from '@flowcraft/node-types/tools';
import { z } from 'zod';

const timeouts = {
  /** Spawning or reaching the server and the MCP `initialize` handshake. */
  connectTimeoutMs: z.number().int().positive().max(300_000).default(15_000),
  /** Default for each tool call; a tool spec's own `timeoutMs` takes precedence when smaller. */
  toolTimeoutMs: z.number().int().positive().max(600_000).default(60_000),
};

/**
 * A server the engine starts as a child process and talks to over stdin/stdout. The child gets
 * only the MCP SDK's safe default environment (PATH, HOME, …) plus `env`, never the engine's
 * secrets.
 */
export const McpStdioServerConfig = z.object({
  name: McpServerName,
  transport: z.literal('stdio'),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().min(1).optional(),
  /** `pipe` keeps the last lines for error messages; `inherit` shows them in the engine's stderr. */
  stderr: z.enum(['pipe', 'inherit', 'ignore']).default('pipe'),
  ...timeouts,
});
export type McpStdioServerConfig = z.infer<typeof McpStdioServerConfig>;

/** A server reached over MCP streamable HTTP. */
export const McpHttpServerConfig = z.object({
  name: McpServerName,
  transport: z.literal('http'),
  url: z.url({ protocol: /^https?$/, error: 'Expected an absolute http(s) URL' }),
  /** Sent with every request, e.g. `Authorization`; never listed by the API. */
  headers: z.record(z.string(), z.string()).default({}),
  ...timeouts,
});
export type McpHttpServerConfig = z.infer<typeof McpHttpServerConfig>;

export const McpServerConfig = z.discriminatedUnion('transport', [McpStdioServerConfig, McpHttpServerConfig]);
export type McpServerConfig = z.infer<typeof McpServerConfig>;
export type McpServerConfigInput = z.input<typeof McpServerConfig>;

export const McpConfig = z
  .array(McpServerConfig)
  .default([])
  .superRefine((servers, ctx) => {
    const seen = new Set<string>();
    servers.forEach((server, index) => {
      if (seen.has(server.name))
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `Duplicate MCP server name "${server.name}"` });
      seen.add(server.name);
    });
  });
export type McpConfig = z.infer<typeof McpConfig>;

/**
 * Parses the MCP server list (e.g. the JSON in `MCP_SERVERS`, or a file's content). Throws
 * FlowError('invalid_input') listing every problem.
 */
export function parseMcpConfig(input: unknown): McpConfig {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = input.trim() === '' ? [] : JSON.parse(input);
    } catch (err) {
      throw new FlowError(
        'invalid_input',
        `MCP server configuration is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  const parsed = McpConfig.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'servers'}: ${i.message}`);
    throw new FlowError('invalid_input', `Invalid MCP server configuration: ${issues.join('; ')}`, { details: issues });
  }
  return parsed.data;
}

/** What the API may show about a server: never `env` or `headers` values. */
export interface McpServerSummary {
  name: string;
  transport: 'stdio' | 'http';
  /** stdio: the command (arguments may hold secrets, so only their count); http: the URL without query or credentials. */
  target: string;
}

export function summarizeServer(server: McpServerConfig): McpServerSummary {
  if (server.transport === 'stdio') {
    const args =
      server.args.length === 0 ? '' : ` (${server.args.length} argument${server.args.length === 1 ? '' : 's'})`;
    return { name: server.name, transport: 'stdio', target: `${server.command}${args}` };
  }
  const url = new URL(server.url);
  return { name: server.name, transport: 'http', target: `${url.origin}${url.pathname}` };
}
