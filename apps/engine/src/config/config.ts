import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { FlowError } from '@flowcraft/schema';

/** Addresses that only this machine can reach; anything else needs an API key. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

/** Characters a bearer token may contain (RFC 6750 `b64token`); a key outside them could never match. */
const TOKEN_PATTERN = /^[A-Za-z0-9._~+/-]+=*$/;

export const LogLevel = z.enum(['silent', 'error', 'warn', 'info', 'debug']);
export type LogLevel = z.infer<typeof LogLevel>;

const commaList = z
  .string()
  .transform((s) => s.split(',').map((part) => part.trim()).filter((part) => part.length > 0));

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
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1024 * 1024),
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
  /** Built editor served at `/` (absolute path); absent → API only. */
  editorDir?: string;
}

/** A configuration that cannot be used; `issues` lists every reason, one line each. */
export class ConfigError extends FlowError {
  readonly issues: string[];
  constructor(issues: string[]) {
    super('invalid_input', `Invalid engine configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`, { details: issues });
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
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`));
  }
  const e = parsed.data;
  if (!isLoopback(e.HOST) && e.API_KEY === undefined) {
    throw new ConfigError([
      `HOST: ${e.HOST} is reachable from other machines, so an API_KEY is required ` +
        '(set API_KEY to a random secret of 16+ characters, or keep HOST=127.0.0.1)',
    ]);
  }
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
    ...(e.EDITOR_DIR !== undefined ? { editorDir: resolve(cwd, e.EDITOR_DIR) } : {}),
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
