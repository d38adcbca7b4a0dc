export {
  McpConfig,
  McpHttpServerConfig,
  McpServerConfig,
  McpStdioServerConfig,
  parseMcpConfig,
  summarizeServer,
  type McpServerConfigInput,
  type McpServerSummary,
} from './mcp-config.js';
export { connectMcpServer, type McpConnection } from './mcp-connection.js';
export { McpManager, type McpServerState, type McpServerStatus, type McpToolListing } from './mcp-manager.js';
