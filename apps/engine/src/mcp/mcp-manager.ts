import { FlowError } from '@flowcraft/schema';
import {
  MAX_TOOL_OUTPUT_CHARS,
  mcpToolName,
  McpToolSpec,
  type McpToolDescription,
  type McpToolProvider,
  type McpToolResult,
  type McpToolSpecInput,
} from '@flowcraft/node-types/tools';
import { loadMcpTools } from '@langchain/mcp-adapters';
import { tool, type StructuredToolInterface } from '@langchain/core/tools';
import { ToolListChangedNotificationSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpConfig, summarizeServer, type McpServerConfig, type McpServerSummary } from './mcp-config.js';
import { connectMcpServer, type McpConnection } from './mcp-connection.js';
import { mcpCallError, textOfContent } from './mcp-result.js';

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One live server: its connection and, once asked for, its tools. */
interface Live {
  connection: McpConnection;
  tools?: Promise<Tool[]>;
  /** LangChain schemas from @langchain/mcp-adapters (dereferenced and simplified for models). */
  schemas?: Promise<Map<string, Record<string, unknown>>>;
}

export type McpServerState = 'idle' | 'connecting' | 'connected' | 'failed';

export interface McpServerStatus extends McpServerSummary {
  state: McpServerState;
  error?: string;
}

export interface McpToolListing {
  tools: McpToolDescription[];
  /** Servers that could not be reached; their tools are missing from `tools`. */
  errors: { server: string; message: string }[];
}

/**
 * The engine's MCP servers: connects lazily (each server on first use, again after it failed or
 * closed), lists their tools for the editor, and hands out LangChain tools and direct calls for
 * agent and tool nodes. Protocol and transports are the MCP SDK's; tool argument schemas are
 * prepared for models by @langchain/mcp-adapters.
 */
export class McpManager implements McpToolProvider {
  readonly #servers: Map<string, McpServerConfig>;
  readonly #live = new Map<string, Promise<Live>>();
  readonly #state = new Map<string, { state: McpServerState; error?: string }>();
  #closed = false;

  constructor(config: McpConfig | unknown[] = []) {
    const servers = McpConfig.parse(config);
    this.#servers = new Map(servers.map((s) => [s.name, s]));
  }

  /** Configured servers and their connection state; never env or header values. */
  status(): McpServerStatus[] {
    return [...this.#servers.values()].map((server) => ({
      ...summarizeServer(server),
      ...(this.#state.get(server.name) ?? { state: 'idle' }),
    }));
  }

  #server(name: string): McpServerConfig {
    const server = this.#servers.get(name);
    if (!server) {
      const known = [...this.#servers.keys()];
      throw new FlowError(
        'tool_error',
        `Unknown MCP server "${name}"${known.length ? ` (configured: ${known.join(', ')})` : ' (none is configured)'}`,
        {
          details: { server: name },
        },
      );
    }
    return server;
  }

  #connect(name: string, signal?: AbortSignal): Promise<Live> {
    if (this.#closed) return Promise.reject(new FlowError('cancelled', 'The MCP manager is closed'));
    const server = this.#server(name);
    let live = this.#live.get(name);
    if (!live) {
      this.#state.set(name, { state: 'connecting' });
      live = connectMcpServer(server, signal).then(
        (connection) => {
          const entry: Live = { connection };
          connection.client.onclose = () => {
            // The child exited or the HTTP session ended: reconnect on next use.
            if (this.#live.get(name) === live) this.#live.delete(name);
            if (!this.#closed) this.#state.set(name, { state: 'idle' });
          };
          connection.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
            entry.tools = undefined;
            entry.schemas = undefined;
          });
          this.#state.set(name, { state: 'connected' });
          return entry;
        },
        (err: unknown) => {
          this.#live.delete(name);
          this.#state.set(name, { state: 'failed', error: err instanceof Error ? err.message : String(err) });
          throw err;
        },
      );
      this.#live.set(name, live);
    }
    return live;
  }

  async #tools(name: string, signal?: AbortSignal): Promise<Tool[]> {
    const live = await this.#connect(name, signal);
    live.tools ??= (async () => {
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await live.connection.client.listTools(cursor === undefined ? {} : { cursor }, {
          signal,
          timeout: this.#server(name).connectTimeoutMs,
        });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return tools;
    })().catch((err: unknown) => {
      live.tools = undefined;
      throw mcpCallError(err, { server: name, action: 'list the tools', signal });
    });
    return live.tools;
  }

  async #toolOf(spec: McpToolSpec, signal?: AbortSignal): Promise<Tool> {
    const tools = await this.#tools(spec.server, signal);
    const found = tools.find((t) => t.name === spec.tool);
    if (!found) {
      throw new FlowError(
        'tool_error',
        `MCP server "${spec.server}" has no tool "${spec.tool}" (it has: ${tools.map((t) => t.name).join(', ') || 'none'})`,
        {
          details: { server: spec.server, tool: spec.tool },
        },
      );
    }
    return found;
  }

  /**
   * Every configured server's tools (or only `servers`'), as JSON for the editor. A server that
   * cannot be reached is reported in `errors` instead of failing the whole listing.
   */
  async listTools(opts: { servers?: string[]; signal?: AbortSignal } = {}): Promise<McpToolListing> {
    const names = opts.servers ?? [...this.#servers.keys()];
    const results = await Promise.allSettled(names.map((name) => this.#tools(name, opts.signal)));
    const listing: McpToolListing = { tools: [], errors: [] };
    results.forEach((result, i) => {
      const server = names[i] ?? '';
      if (result.status === 'rejected') {
        listing.errors.push({
          server,
          message: result.reason instanceof Error ? result.reason.message : String(result.reason),
        });
        return;
      }
      for (const t of result.value) {
        listing.tools.push({
          server,
          name: t.name,
          description: t.description ?? '',
          inputSchema: t.inputSchema,
          ...(t.outputSchema === undefined ? {} : { outputSchema: t.outputSchema }),
        });
      }
    });
    return listing;
  }

  /** Calls one tool. Throws FlowError (see McpToolProvider). */
  async callTool(
    specInput: McpToolSpec | McpToolSpecInput,
    args: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<McpToolResult> {
    const spec = McpToolSpec.parse(specInput);
    const server = this.#server(spec.server);
    await this.#toolOf(spec, signal);
    const live = await this.#connect(spec.server, signal);
    const timeoutMs = Math.min(spec.timeoutMs, server.toolTimeoutMs);
    const timeout = AbortSignal.timeout(timeoutMs);
    const callSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let result: Awaited<ReturnType<typeof live.connection.client.callTool>>;
    try {
      result = await live.connection.client.callTool({ name: spec.tool, arguments: args }, undefined, {
        signal: callSignal,
        timeout: timeoutMs,
      });
    } catch (err) {
      throw mcpCallError(err, {
        server: spec.server,
        tool: spec.tool,
        action: `call tool "${spec.tool}"`,
        signal,
        timeout,
        timeoutMs,
      });
    }
    const text = textOfContent(result.content);
    if (result.isError === true) {
      throw new FlowError(
        'tool_error',
        `MCP tool "${spec.tool}" on server "${spec.server}" reported an error: ${text || '(no message)'}`,
        {
          details: { server: spec.server, tool: spec.tool },
        },
      );
    }
    return result.structuredContent === undefined ? { text } : { text, structured: result.structuredContent };
  }

  async #schema(spec: McpToolSpec, signal?: AbortSignal): Promise<Record<string, unknown>> {
    await this.#toolOf(spec, signal);
    const live = await this.#connect(spec.server, signal);
    live.schemas ??= loadMcpTools(spec.server, live.connection.client, { throwOnLoadError: false }).then(
      (tools) => new Map(tools.flatMap((t) => (isJsonObject(t.schema) ? [[t.name, t.schema] as const] : []))),
    );
    return (await live.schemas).get(spec.tool) ?? { type: 'object', properties: {} };
  }

  /**
   * A LangChain tool for an agent: named `mcpToolName(spec)`, with the server's description (or
   * the spec's) and argument schema; it returns the tool's text (or its structured content as
   * JSON when there is no text), clipped like the built-in tools' output.
   */
  async langchainTool(
    specInput: McpToolSpec | McpToolSpecInput,
    signal?: AbortSignal,
  ): Promise<StructuredToolInterface> {
    const spec = McpToolSpec.parse(specInput);
    const found = await this.#toolOf(spec, signal);
    const schema = await this.#schema(spec, signal);
    return tool(
      async (args: Record<string, unknown>, config) => {
        const result = await this.callTool(spec, args, config?.signal);
        const text =
          result.text !== '' || result.structured === undefined ? result.text : JSON.stringify(result.structured);
        return text.length <= MAX_TOOL_OUTPUT_CHARS ? text : `${text.slice(0, MAX_TOOL_OUTPUT_CHARS)}… (truncated)`;
      },
      {
        name: mcpToolName(spec),
        description: spec.description ?? (found.description || `Tool "${spec.tool}" of MCP server "${spec.server}"`),
        schema,
      },
    );
  }

  /** Closes every connection (stdio servers are stopped); later calls fail with `cancelled`. */
  async close(): Promise<void> {
    this.#closed = true;
    const live = [...this.#live.values()];
    this.#live.clear();
    await Promise.allSettled(live.map(async (p) => (await p).connection.close()));
    for (const name of this.#servers.keys()) this.#state.set(name, { state: 'idle' });
  }
}
