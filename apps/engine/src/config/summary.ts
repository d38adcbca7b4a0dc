import type { EngineConfig } from './config.js';
import { isLoopback } from './config.js';

/** Where the running server can be reached; known only after it listens (PORT=0 picks a port). */
export interface ListenInfo {
  /** Base URL, e.g. `http://127.0.0.1:4000`. */
  url: string;
}

/** The base URL a person can open for a host and port (wildcard hosts are shown as localhost). */
export function baseUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/** A database URL with its password replaced by `***`. */
export function redactDatabaseUrl(databaseUrl: string): string {
  if (!URL.canParse(databaseUrl)) return '(unparseable URL)';
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

function modelsLine(config: EngineConfig): string {
  const endpoints =
    config.compatibleEndpoints.length > 0 ? `; OpenAI-compatible: ${config.compatibleEndpoints.join(', ')}` : '';
  return `scripted, openai, anthropic, ollama${endpoints} (keys: GET /v1/models)`;
}

function toolNetworkLine(config: EngineConfig): string {
  const n = config.toolNetwork;
  const parts = [n.allowPrivateAddresses ? 'private addresses ALLOWED (development)' : 'private addresses blocked'];
  if (n.allowCidrs.length > 0) parts.push(`allowed ranges ${n.allowCidrs.join(', ')}`);
  if (n.allowHosts.length > 0) parts.push(`only ${n.allowHosts.join(', ')}`);
  if (n.denyHosts.length > 0) parts.push(`denied ${n.denyHosts.join(', ')}`);
  parts.push(`≤ ${n.maxRedirects} redirects`);
  return parts.join('; ');
}

/**
 * The start-up summary, one line per setting. Never contains the API key, a database password,
 * the secret key (only its id) or MCP server env/header values.
 * Without `listen` it shows the configured address (useful before listening).
 */
export function summarize(config: EngineConfig, listen?: ListenInfo): string {
  const url = listen?.url ?? baseUrl(config.host, config.port);
  const database = config.databaseUrl
    ? `PostgreSQL ${redactDatabaseUrl(config.databaseUrl)}`
    : `embedded PGlite in ${config.dataDir}`;
  const exposure = isLoopback(config.host) ? 'this machine only' : 'reachable from the network';
  const auth =
    config.authMode === 'users'
      ? `users and roles (sign in; personal API keys${config.apiKey ? '; API_KEY as admin' : ''})`
      : config.authMode === 'apikey'
        ? 'API key required (Authorization: Bearer … or x-api-key)'
        : 'none (loopback only)';
  const cors = config.corsOrigins.length > 0 ? config.corsOrigins.join(', ') : 'same origin only';
  const modules = config.nodeTypeModules.length > 0 ? config.nodeTypeModules.join(', ') : 'built-ins only';
  const rows: [string, string][] = [
    ['listening', `${url} (${config.host}, ${exposure})`],
    ['editor', config.editorDir ? `${url}/` : 'not served (build it with: pnpm build:editor)'],
    ['API reference', `${url}/v1/docs`],
    ['OpenAPI', `${url}/v1/openapi.json`],
    ['trace stream', `Socket.IO at ${url} (emit "subscribe" {runId, afterSeq})`],
    ['database', database],
    ['auth', auth],
    ['CORS', cors],
    [
      'body limit',
      `${formatBytes(config.bodyLimitBytes)}; JSON depth ≤ ${config.jsonLimits.maxDepth}, strings ≤ ${config.jsonLimits.maxStringLength} characters`,
    ],
    [
      'host names',
      config.apiKey
        ? 'any (API key required)'
        : `loopback${config.allowedHosts.length > 0 ? `, ${config.allowedHosts.join(', ')}` : ''} (others get 421)`,
    ],
    ['node types', modules],
    ['models', modelsLine(config)],
    [
      'secrets',
      config.secretKey
        ? `encrypted at rest (key ${config.secretKey.id}${config.secretKey.oldIds.length > 0 ? `; old keys ${config.secretKey.oldIds.join(', ')}` : ''})`
        : 'no FLOWCRAFT_SECRET_KEY: environment credentials only, /v1/secrets refuses writes',
    ],
    ['tool HTTP', toolNetworkLine(config)],
    [
      'MCP servers',
      config.mcpServers.length > 0 ? config.mcpServers.map((s) => `${s.name} (${s.transport})`).join(', ') : 'none',
    ],
    ['log level', config.logLevel],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return ['Flowcraft engine', ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}
