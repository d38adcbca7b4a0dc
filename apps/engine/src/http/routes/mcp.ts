import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { HttpDeps } from '../deps.js';
import { McpServerList, McpToolList, McpToolsQuery } from '../schemas/mcp.js';
import { jsonResponse, problemResponses } from './openapi-helpers.js';

const listServers = createRoute({
  operationId: 'listMcpServers',
  method: 'get',
  path: '/v1/mcp/servers',
  tags: ['mcp'],
  summary: 'MCP servers configured in the engine',
  description:
    'From MCP_SERVERS / MCP_CONFIG_FILE, with their connection state. Never shows env, header values or arguments.',
  responses: { 200: jsonResponse(McpServerList, 'Every configured server'), ...problemResponses() },
});

const listTools = createRoute({
  operationId: 'listMcpTools',
  method: 'get',
  path: '/v1/mcp/tools',
  tags: ['mcp'],
  summary: 'Tools of the MCP servers',
  description:
    'Connects to each server (on first use) and lists its tools with their argument schemas, for agent and tool nodes (`{ kind: "mcp", server, tool }`). Unreachable servers are listed in `errors`.',
  request: { query: McpToolsQuery },
  responses: { 200: jsonResponse(McpToolList, 'Tools, and the servers that failed'), ...problemResponses(400) },
});

export function registerMcpRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  app.openapi(listServers, (c) => c.json({ items: deps.mcp ? deps.mcp.status() : [] }, 200));

  app.openapi(listTools, async (c) => {
    const { server } = c.req.valid('query');
    if (!deps.mcp)
      return c.json({ tools: [], errors: server ? [{ server, message: 'No MCP servers are configured' }] : [] }, 200);
    return c.json(
      await deps.mcp.listTools({ ...(server ? { servers: [server] } : {}), signal: c.req.raw.signal }),
      200,
    );
  });
}
