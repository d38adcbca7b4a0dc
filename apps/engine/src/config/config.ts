import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { type AuthMode, FlowError } from '@flowcraft/schema';
import { NetworkPolicy } from '@flowcraft/node-types/tools';
import { parseMcpConfig, type McpConfig } from '../mcp/mcp-config.js';
import { providerDefs } from '../models/providers.js';
import { parseSecretKey } from '../secrets/keyring.js';

/** Addresses that only this machine can reach; anything else needs an API key. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

/** Characters a bearer token may contain (RFC 6750 `b64token`); a key outside them could never match. */
const TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]+=*$/;

export const LogLevel = z.enum(['silent', 'error', 'warn', 'info', 'debug']);
export type LogLevel = z.infer<typeof LogLevel>;

/** A DNS name or IP literal (IPv6 in brackets or bare), lower-cased later. */
const HOST_NAME =
  /^(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?)$/;

const commaList = z.string().transform((s) =>
  s
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0),
);

const origin = z.string().refine((value) => value === '*' || isOrigin(value), {
  message: 'must be "*" or an origin such as http://localhost:5173 (scheme, host and optional port, no path)',
});

function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
}

/** The environment variables the engine reads; empty strings count as unset. */
export const EngineEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), {
      message: 'must be a postgres:// or postgresql:// URL (leave it unset for the embedded database)',
    })
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  CORS_ORIGINS: commaList.pipe(z.array(origin)).default([]),
  LOG_LEVEL: LogLevel.default('info'),
  API_KEY: z
    .string()
    .min(16, 'must be at least 16 characters')
    .regex(TOKEN_PATTERN, 'may contain only letters, digits and . _ ~ + / - (and trailing =)')
    .optional(),
  NODE_TYPE_MODULES: commaList.default([]),
  EDITOR_DIR: z.string().min(1).optional(),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  /** Deepest JSON nesting accepted in a request body (documents, run inputs, state edits); deeper → 422. */
  MAX_JSON_DEPTH: z.coerce.number().int().min(64).max(256).default(128),
  /** Longest string (in characters) accepted anywhere in a request body; longer → 422. */
  MAX_STRING_LENGTH: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(256 * 1024),
  /** Host names (besides loopback ones) a key-less engine answers to, e.g. behind a proxy; others get 421. */
  ALLOWED_HOSTS: commaList
    .pipe(z.array(z.string().regex(HOST_NAME, 'must be a host name, without scheme or port')))
    .default([]),
  /** 32 random bytes (64 hex digits or base64) encrypting stored secrets; unset → no secret store. */
  FLOWCRAFT_SECRET_KEY: z.string().optional(),
  /** Older keys still accepted for decryption during a rotation (comma-separated). */
  FLOWCRAFT_SECRET_KEYS_OLD: z.string().optional(),
  /** Named OpenAI-compatible endpoints (JSON), checked here so a typo fails at start. */
  FLOWCRAFT_OPENAI_COMPATIBLE: z.string().optional(),
  /** Tool HTTP requests (http tool, agent http tools): private addresses are refused unless this is true. */
  TOOL_HTTP_ALLOW_PRIVATE: z.enum(['true', 'false', '1', '0', 'yes', 'no']).default('false'),
  TOOL_HTTP_ALLOW_HOSTS: commaList.default([]),
  TOOL_HTTP_DENY_HOSTS: commaList.default([]),
  TOOL_HTTP_ALLOW_CIDRS: commaList.default([]),
  TOOL_HTTP_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  /** `none` (loopback only, no credentials), `apikey` (API_KEY), `users` (accounts, roles, personal keys). Default: apikey with API_KEY, else none. */
  AUTH_MODE: z.enum(['none', 'apikey', 'users']).optional(),
  /** The first admin (AUTH_MODE=users), created at start when no user exists. */
  FLOWCRAFT_ADMIN_EMAIL: z.string().trim().toLowerCase().pipe(z.email()).optional(),
  FLOWCRAFT_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  /** Behind a TLS-terminating proxy: trust X-Forwarded-For / -Proto (client address, Secure cookies). */
  TRUST_PROXY: z.enum(['true', 'false', '1', '0', 'yes', 'no']).default('false'),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24 * 7),
  /** `GET /metrics` takes this bearer token when set (else it needs an admin's credentials). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').regex(TOKEN_PATTERN).optional(),
  /** Rate limits: on (default with AUTH_MODE apikey or users) or off. */
  RATE_LIMITS: z.enum(['on', 'off']).optional(),
  /** Writes per caller per minute. */
  RATE_LIMIT_WRITES_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Run starts (and reruns) per caller per minute. */
  RATE_LIMIT_RUNS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  /** Login attempts per client address per 15 minutes. */
  RATE_LIMIT_LOGINS_PER_15_MINUTES: z.coerce.number().int().min(1).default(20),
  /** MCP servers as a JSON array (see README "Tools and MCP"). */
  MCP_SERVERS: z.string().optional(),
  /** A JSON file with more MCP servers (same shape as MCP_SERVERS). */
  MCP_CONFIG_FILE: z.string().optional(),
  /** `all` (API + worker, the default), `api` (HTTP, Socket.IO, editor; never executes runs) or `worker` (executes runs; `/v1/health` only). */
  FLOWCRAFT_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  /** Runs a worker executes at once. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
  /** This worker's id in runs and `GET /v1/queue`; default `<host name>:<port>` (unique per machine while it runs). */
  WORKER_ID: z.string().min(1).max(200).optional(),
  /** Seconds a worker's claim on a run holds without a heartbeat; after it another worker takes the run over. */
  RUN_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** Seconds a worker polls the queue when no notification woke it. */
  QUEUE_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
});
export type EngineEnv = z.infer<typeof EngineEnv>;

/** The engine's configuration, in the form the rest of the engine uses. */
export interface EngineConfig {
  port: number;
  host: string;
  /** `undefined` → embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** Absolute path. */
  dataDir: string;
  /** Origins allowed by CORS; empty → same-origin only. */
  corsOrigins: string[];
  logLevel: LogLevel;
  /** When set, HTTP requests and socket handshakes must carry it as a bearer token. */
  apiKey: string | undefined;
  /** Extra node-type modules: file or folder paths (resolved against `cwd`) or package names. */
  nodeTypeModules: string[];
  bodyLimitBytes: number;
  /** Limits on request bodies: nesting depth (64…256) and string length. */
  jsonLimits: { maxDepth: number; maxStringLength: number };
  /** Host names a key-less engine answers to besides loopback names (DNS-rebinding guard). */
  allowedHosts: string[];
  /** Built editor served at `/` (absolute path); absent → API only. */
  editorDir?: string;
  /** Where tool HTTP requests may go (private addresses blocked unless allowed). */
  toolNetwork: NetworkPolicy;
  /** MCP servers from MCP_SERVERS and MCP_CONFIG_FILE. */
  mcpServers: McpConfig;
  /** Id of the key encrypting stored secrets (never the key) and of the old keys; undefined → no secret store. */
  secretKey?: { id: string; oldIds: string[] };
  /** Names of the OpenAI-compatible endpoints from FLOWCRAFT_OPENAI_COMPATIBLE. */
  compatibleEndpoints: string[];
  /** What this process does: serve the API (`api`), execute runs (`worker`) or both (`all`). */
  role: 'all' | 'api' | 'worker';
  /** The durable run queue's worker settings. */
  worker: { concurrency: number; id: string | undefined; leaseSeconds: number; pollSeconds: number };
  authMode: AuthMode;
  /** The first admin to create at start (AUTH_MODE=users, when no user exists). */
  initialAdmin?: { email: string; password: string };
  trustProxy: boolean;
  sessionTtlSeconds: number;
  metricsToken?: string;
  /** Per-minute limits (login: per 15 minutes); `undefined` → no rate limits. */
  rateLimits?: RateLimitConfig;
}

export interface RateLimitConfig {
  writesPerMinute: number;
  runsPerMinute: number;
  loginsPer15Minutes: number;
}

/** A configuration that cannot be used; `issues` lists every reason, one line each. */
export class ConfigError extends FlowError {
  readonly issues: string[];
  constructor(issues: string[]) {
    super('invalid_input', `Invalid engine configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`, {
      details: issues,
    });
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export interface LoadConfigOptions {
  /** Base for relative `DATA_DIR` and local `NODE_TYPE_MODULES` paths. Default `process.cwd()`. */
  cwd?: string;
}

/**
 * Parse the engine configuration from environment variables. Throws `ConfigError` listing every
 * problem, including the secure-by-default rule: a non-loopback `HOST` needs an `API_KEY`.
 */
export function loadConfig(env: Record<string, string | undefined>, opts: LoadConfigOptions = {}): EngineConfig {
  const cwd = opts.cwd ?? process.cwd();
  const parsed = EngineEnv.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const authMode: AuthMode = e.AUTH_MODE ?? (e.API_KEY !== undefined ? 'apikey' : 'none');
  if (!isLoopback(e.HOST) && authMode === 'none') {
    throw new ConfigError([
      `HOST: ${e.HOST} is reachable from other machines, so an API_KEY is required ` +
        '(set API_KEY to a random secret of 16+ characters, or AUTH_MODE=users, or keep HOST=127.0.0.1)',
    ]);
  }
  const issues: string[] = [];
  if (e.FLOWCRAFT_ROLE !== 'all' && e.DATABASE_URL === undefined)
    issues.push(
      `FLOWCRAFT_ROLE: ${e.FLOWCRAFT_ROLE} processes share a PostgreSQL server; set DATABASE_URL (the embedded database belongs to one process: use FLOWCRAFT_ROLE=all)`,
    );
  if (authMode === 'apikey' && e.API_KEY === undefined)
    issues.push('AUTH_MODE: apikey needs API_KEY (a random secret of 16+ characters)');
  if (authMode === 'none' && e.API_KEY !== undefined)
    issues.push('AUTH_MODE: none ignores API_KEY; unset one of them (or use AUTH_MODE=apikey)');
  if ((e.FLOWCRAFT_ADMIN_EMAIL === undefined) !== (e.FLOWCRAFT_ADMIN_PASSWORD === undefined))
    issues.push('FLOWCRAFT_ADMIN_EMAIL / FLOWCRAFT_ADMIN_PASSWORD: set both or neither');
  const attempt = <T>(key: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      issues.push(`${key}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };
  const secretKey =
    e.FLOWCRAFT_SECRET_KEY === undefined
      ? undefined
      : attempt('FLOWCRAFT_SECRET_KEY', () => parseSecretKey(e.FLOWCRAFT_SECRET_KEY ?? ''));
  const oldIds =
    attempt('FLOWCRAFT_SECRET_KEYS_OLD', () =>
      (e.FLOWCRAFT_SECRET_KEYS_OLD ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k !== '')
        .map((k, i) => parseSecretKey(k, `FLOWCRAFT_SECRET_KEYS_OLD[${i}]`).id),
    ) ?? [];
  if (e.FLOWCRAFT_SECRET_KEYS_OLD !== undefined && e.FLOWCRAFT_SECRET_KEY === undefined) {
    issues.push(
      'FLOWCRAFT_SECRET_KEYS_OLD: is set but FLOWCRAFT_SECRET_KEY is not (set the new key too, see README "Secrets")',
    );
  }
  const builtins = new Set(['openai', 'anthropic', 'ollama']);
  const compatibleEndpoints =
    attempt('FLOWCRAFT_OPENAI_COMPATIBLE', () =>
      providerDefs({ FLOWCRAFT_OPENAI_COMPATIBLE: e.FLOWCRAFT_OPENAI_COMPATIBLE })
        .map((d) => d.name)
        .filter((n) => !builtins.has(n)),
    ) ?? [];
  const network = NetworkPolicy.safeParse({
    allowPrivateAddresses: ['true', '1', 'yes'].includes(e.TOOL_HTTP_ALLOW_PRIVATE),
    allowHosts: e.TOOL_HTTP_ALLOW_HOSTS,
    denyHosts: e.TOOL_HTTP_DENY_HOSTS,
    allowCidrs: e.TOOL_HTTP_ALLOW_CIDRS,
    maxRedirects: e.TOOL_HTTP_MAX_REDIRECTS,
  });
  if (!network.success) {
    const key: Record<string, string> = {
      allowHosts: 'TOOL_HTTP_ALLOW_HOSTS',
      denyHosts: 'TOOL_HTTP_DENY_HOSTS',
      allowCidrs: 'TOOL_HTTP_ALLOW_CIDRS',
    };
    for (const issue of network.error.issues) {
      const [field, index] = issue.path;
      issues.push(
        `${key[String(field)] ?? String(field)}${index !== undefined ? `[${String(index)}]` : ''}: ${issue.message}`,
      );
    }
  }
  const mcpServers: McpConfig = [];
  if (e.MCP_SERVERS !== undefined)
    mcpServers.push(...(attempt('MCP_SERVERS', () => parseMcpConfig(e.MCP_SERVERS)) ?? []));
  if (e.MCP_CONFIG_FILE !== undefined) {
    const file = resolve(cwd, e.MCP_CONFIG_FILE);
    const text = attempt('MCP_CONFIG_FILE', () => {
      try {
        return readFileSync(file, 'utf8');
      } catch (err) {
        throw new Error(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    if (text !== undefined)
      mcpServers.push(...(attempt(`MCP_CONFIG_FILE (${file})`, () => parseMcpConfig(text)) ?? []));
  }
  const names = mcpServers.map((m) => m.name);
  const dup = names.filter((n, i) => names.indexOf(n) !== i);
  if (dup.length > 0)
    issues.push(`MCP_SERVERS / MCP_CONFIG_FILE: duplicate MCP server name(s) ${[...new Set(dup)].join(', ')}`);
  if (issues.length > 0) throw new ConfigError(issues);

  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(cwd, e.DATA_DIR),
    corsOrigins: e.CORS_ORIGINS,
    logLevel: e.LOG_LEVEL,
    apiKey: e.API_KEY,
    nodeTypeModules: e.NODE_TYPE_MODULES.map((entry) => resolveModule(entry, cwd)),
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    jsonLimits: { maxDepth: e.MAX_JSON_DEPTH, maxStringLength: e.MAX_STRING_LENGTH },
    allowedHosts: e.ALLOWED_HOSTS.map((h) => h.toLowerCase()),
    ...(e.EDITOR_DIR !== undefined ? { editorDir: resolve(cwd, e.EDITOR_DIR) } : {}),
    toolNetwork: network.success ? network.data : NetworkPolicy.parse({}),
    mcpServers,
    ...(secretKey !== undefined ? { secretKey: { id: secretKey.id, oldIds } } : {}),
    compatibleEndpoints,
    role: e.FLOWCRAFT_ROLE,
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      id: e.WORKER_ID,
      leaseSeconds: e.RUN_LEASE_SECONDS,
      pollSeconds: e.QUEUE_POLL_SECONDS,
    },
    authMode,
    ...(authMode === 'users' && e.FLOWCRAFT_ADMIN_EMAIL !== undefined && e.FLOWCRAFT_ADMIN_PASSWORD !== undefined
      ? { initialAdmin: { email: e.FLOWCRAFT_ADMIN_EMAIL, password: e.FLOWCRAFT_ADMIN_PASSWORD } }
      : {}),
    trustProxy: ['true', '1', 'yes'].includes(e.TRUST_PROXY),
    sessionTtlSeconds: e.SESSION_TTL_HOURS * 3600,
    ...(e.METRICS_TOKEN !== undefined ? { metricsToken: e.METRICS_TOKEN } : {}),
    ...((e.RATE_LIMITS ?? (authMode === 'none' ? 'off' : 'on')) === 'on'
      ? {
          rateLimits: {
            writesPerMinute: e.RATE_LIMIT_WRITES_PER_MINUTE,
            runsPerMinute: e.RATE_LIMIT_RUNS_PER_MINUTE,
            loginsPer15Minutes: e.RATE_LIMIT_LOGINS_PER_15_MINUTES,
          },
        }
      : {}),
  };
}

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.includes(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Paths (`./x`, `../x`, `/x`) become absolute; anything else is a package name, kept as is. */
function resolveModule(entry: string, cwd: string): string {
  if (isAbsolute(entry)) return entry;
  if (entry.startsWith('./') || entry.startsWith('../') || entry === '.' || entry === '..') return resolve(cwd, entry);
  return entry;
}

function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(EngineEnv.shape)) {
    const value = env[key]?.trim();
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}
