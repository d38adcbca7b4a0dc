import { z } from 'zod';
import { request } from './http.js';

/**
 * `GET /v1/models` and the MCP listings. Loose envelopes (extra fields ignored, unknown provider
 * kinds kept) so engine additions do not break the pickers.
 */
export const ModelProvider = z.object({
  provider: z.string(),
  kind: z.string(),
  configured: z.boolean(),
  models: z.union([z.literal('any'), z.array(z.string())]),
  suggested: z.array(z.string()).default([]),
  credential: z.object({ name: z.string(), source: z.string(), required: z.boolean() }).optional(),
  baseURL: z.string().optional(),
  streaming: z.boolean().default(false),
  tools: z.boolean().default(false),
  offline: z.boolean().default(false),
});
export type ModelProvider = z.infer<typeof ModelProvider>;

export const ModelList = z.object({ providers: z.array(ModelProvider), pricesAsOf: z.string().optional() });
export type ModelList = z.infer<typeof ModelList>;

export const McpServerStatus = z.object({
  name: z.string(),
  transport: z.string(),
  target: z.string().default(''),
  state: z.string(),
  error: z.string().optional(),
});
export type McpServerStatus = z.infer<typeof McpServerStatus>;

export const McpTool = z.object({
  server: z.string(),
  name: z.string(),
  description: z.string().default(''),
  inputSchema: z.record(z.string(), z.unknown()).default({}),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
});
export type McpTool = z.infer<typeof McpTool>;

export const McpToolList = z.object({
  tools: z.array(McpTool),
  errors: z.array(z.object({ server: z.string(), message: z.string() })).default([]),
});
export type McpToolList = z.infer<typeof McpToolList>;

export function listModels(signal?: AbortSignal) {
  return request('/v1/models', ModelList, signal ? { signal } : {});
}

export async function listMcpServers(signal?: AbortSignal) {
  return (await request('/v1/mcp/servers', z.object({ items: z.array(McpServerStatus) }), signal ? { signal } : {}))
    .items;
}

export function listMcpTools(server: string, signal?: AbortSignal) {
  return request('/v1/mcp/tools', McpToolList, { query: { server }, ...(signal ? { signal } : {}) });
}
