import { z } from '@hono/zod-openapi';
import { JsonObject } from './common.js';

export const McpServerStatus = z
  .object({
    name: z.string(),
    transport: z.enum(['stdio', 'http']),
    target: z.string().openapi({
      description: 'stdio: the command (argument count only); http: the URL without query or credentials.',
    }),
    state: z.enum(['idle', 'connecting', 'connected', 'failed']),
    error: z.string().optional(),
  })
  .openapi('McpServerStatus');
export type McpServerStatus = z.infer<typeof McpServerStatus>;

export const McpServerList = z.object({ items: z.array(McpServerStatus) }).openapi('McpServerList');

export const McpTool = z
  .object({
    server: z.string(),
    name: z.string(),
    description: z.string(),
    inputSchema: JsonObject.openapi({ description: 'JSON Schema of the arguments, as the server sent it.' }),
    outputSchema: JsonObject.optional(),
  })
  .openapi('McpTool');

export const McpToolList = z
  .object({
    tools: z.array(McpTool),
    errors: z
      .array(z.object({ server: z.string(), message: z.string() }))
      .openapi({ description: 'Servers that could not be reached.' }),
  })
  .openapi('McpToolList');
export type McpToolList = z.infer<typeof McpToolList>;

export const McpToolsQuery = z.object({
  server: z.string().min(1).max(32).optional().openapi({ description: 'Only this server’s tools.' }),
});
