import type { OpenAPIHono as Hono } from '@hono/zod-openapi';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { HttpDeps } from '../http/deps.js';
import type { AgentServerDeps } from '../agent-server/index.js';
import { createMcpServer } from './mcp-server.js';

export { createMcpServer } from './mcp-server.js';

function hasAgentDeps(deps: HttpDeps): deps is AgentServerDeps {
  return deps.eventLog !== undefined && deps.threadRecords !== undefined;
}

/**
 * The MCP server at `/mcp` (streamable HTTP, stateless: one server and transport per request, so
 * any API process answers any request). Behind the same auth middleware as the API.
 */
export function registerMcpServer(app: Hono, deps: HttpDeps): void {
  if (!hasAgentDeps(deps)) return;
  app.all('/mcp', async (c) => {
    const server = createMcpServer(deps);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    await server.connect(transport);
    // The edge guard has read (and checked) the body already; hand the transport the parsed value.
    const parsedBody: unknown = c.req.method === 'POST' ? await c.req.json() : undefined;
    return transport.handleRequest(c.req.raw, parsedBody === undefined ? {} : { parsedBody });
  });
}
