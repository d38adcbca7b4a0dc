import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopback, loadConfig } from './config.js';
import { baseUrl, redactDatabaseUrl, summarize } from './summary.js';

const KEY = 'k3y-that-is-long-enough';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies secure, local defaults to an empty environment', () => {
    expect(loadConfig({}, { cwd: '/srv/app' })).toEqual({
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: '/srv/app/.data',
      corsOrigins: [],
      logLevel: 'info',
      apiKey: undefined,
      nodeTypeModules: [],
      bodyLimitBytes: 1024 * 1024,
      jsonLimits: { maxDepth: 128, maxStringLength: 256 * 1024 },
      allowedHosts: [],
      toolNetwork: { allowPrivateAddresses: false, allowCidrs: [], allowHosts: [], denyHosts: [], maxRedirects: 5 },
      mcpServers: [],
      compatibleEndpoints: [],
      role: 'all',
      worker: { concurrency: 20, id: undefined, leaseSeconds: 30, pollSeconds: 2 },
      authMode: 'none',
      trustProxy: false,
      sessionTtlSeconds: 7 * 24 * 3600,
    });
  });

  it('AUTH_MODE: apikey with API_KEY, users with the first admin, rate limits on off loopback', () => {
    expect(loadConfig({ API_KEY: KEY }).authMode).toBe('apikey');
    const users = loadConfig({
      AUTH_MODE: 'users',
      HOST: '0.0.0.0',
      FLOWCRAFT_ADMIN_EMAIL: ' Admin@Example.com ',
      FLOWCRAFT_ADMIN_PASSWORD: 'correct horse battery',
      TRUST_PROXY: 'true',
    });
    expect(users.authMode).toBe('users');
    expect(users.initialAdmin).toEqual({ email: 'admin@example.com', password: 'correct horse battery' });
    expect(users.trustProxy).toBe(true);
    expect(users.rateLimits).toEqual({ writesPerMinute: 600, runsPerMinute: 120, loginsPer15Minutes: 20 });
    expect(() => loadConfig({ AUTH_MODE: 'apikey' })).toThrow(/apikey needs API_KEY/);
    expect(() => loadConfig({ AUTH_MODE: 'none', HOST: '0.0.0.0' })).toThrow(/API_KEY is required/);
    expect(() => loadConfig({ AUTH_MODE: 'users', FLOWCRAFT_ADMIN_EMAIL: 'a@b.co' })).toThrow(/set both or neither/);
  });

  it('parses every variable, trims lists and resolves local paths against cwd', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgres://u:secret@db:5432/flow',
        DATA_DIR: '/var/lib/flow',
        CORS_ORIGINS: ' http://localhost:5173 , https://flow.example.com,',
        LOG_LEVEL: 'debug',
        API_KEY: KEY,
        NODE_TYPE_MODULES: './nodes/my-node.ts, @acme/flow-nodes ,../shared',
        BODY_LIMIT_BYTES: '2048',
        MAX_JSON_DEPTH: '64',
        MAX_STRING_LENGTH: '4096',
        ALLOWED_HOSTS: 'Flow.Example.com, [::2]',
      },
      { cwd: '/srv/app' },
    );
    expect(config).toEqual({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u:secret@db:5432/flow',
      dataDir: '/var/lib/flow',
      corsOrigins: ['http://localhost:5173', 'https://flow.example.com'],
      logLevel: 'debug',
      apiKey: KEY,
      nodeTypeModules: ['/srv/app/nodes/my-node.ts', '@acme/flow-nodes', '/srv/shared'],
      bodyLimitBytes: 2048,
      jsonLimits: { maxDepth: 64, maxStringLength: 4096 },
      allowedHosts: ['flow.example.com', '[::2]'],
      toolNetwork: { allowPrivateAddresses: false, allowCidrs: [], allowHosts: [], denyHosts: [], maxRedirects: 5 },
      mcpServers: [],
      compatibleEndpoints: [],
      role: 'all',
      worker: { concurrency: 20, id: undefined, leaseSeconds: 30, pollSeconds: 2 },
      authMode: 'apikey',
      trustProxy: false,
      sessionTtlSeconds: 7 * 24 * 3600,
      rateLimits: { writesPerMinute: 600, runsPerMinute: 120, loginsPer15Minutes: 20 },
    });
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '  ', API_KEY: '' }, { cwd: '/x' });
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.apiKey).toBeUndefined();
  });

  it('refuses a non-loopback host without an API key, naming the fix', () => {
    const err = configError(() => loadConfig({ HOST: '0.0.0.0' }));
    expect(err.code).toBe('invalid_input');
    expect(err.issues).toHaveLength(1);
    expect(err.message).toMatch(/HOST: 0\.0\.0\.0 .*API_KEY is required/);
  });

  it('allows every loopback spelling without a key', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) {
      expect(loadConfig({ HOST: host }).host).toBe(host);
    }
    expect(isLoopback('192.168.1.10')).toBe(false);
    expect(isLoopback('::')).toBe(false);
  });

  it('lists every invalid variable at once', () => {
    const err = configError(() =>
      loadConfig({
        PORT: '99999',
        DATABASE_URL: 'mysql://x',
        CORS_ORIGINS: 'localhost:5173',
        LOG_LEVEL: 'chatty',
        API_KEY: 'short',
        BODY_LIMIT_BYTES: '12',
      }),
    );
    const vars = err.issues.map((issue) => issue.split(':')[0]);
    expect(vars.sort()).toEqual(['API_KEY', 'BODY_LIMIT_BYTES', 'CORS_ORIGINS.0', 'DATABASE_URL', 'LOG_LEVEL', 'PORT']);
  });

  it('keeps the depth limit within 64…256 and host names without scheme or port', () => {
    const err = configError(() =>
      loadConfig({ MAX_JSON_DEPTH: '10000', ALLOWED_HOSTS: 'ok.example, http://bad.example, bad.example:80' }),
    );
    expect(err.issues.map((issue) => issue.split(':')[0]).sort()).toEqual([
      'ALLOWED_HOSTS.1',
      'ALLOWED_HOSTS.2',
      'MAX_JSON_DEPTH',
    ]);
  });

  it('refuses an API key a bearer header could never carry', () => {
    const err = configError(() => loadConfig({ API_KEY: 'has spaces in it, sixteen+' }));
    expect(err.issues[0]).toMatch(/^API_KEY: may contain only/);
  });
});

describe('summarize', () => {
  it('prints the URL, API reference and settings, but never the key or the database password', () => {
    const config = loadConfig(
      {
        HOST: '0.0.0.0',
        API_KEY: KEY,
        DATABASE_URL: 'postgres://flow:hunter2@db:5432/flow',
        CORS_ORIGINS: 'http://localhost:5173',
      },
      { cwd: '/srv' },
    );
    const text = summarize(config, { url: 'http://localhost:4100' });
    expect(text).toContain('http://localhost:4100/v1/docs');
    expect(text).toContain('http://localhost:4100/v1/openapi.json');
    expect(text).toContain('postgres://flow:***@db:5432/flow');
    expect(text).toContain('API key required');
    expect(text).toContain('reachable from the network');
    expect(text).toContain('http://localhost:5173');
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('hunter2');
  });

  it('describes the embedded default', () => {
    const text = summarize(loadConfig({}, { cwd: '/srv' }));
    expect(text).toContain('http://127.0.0.1:4000/v1/docs');
    expect(text).toContain('embedded PGlite in /srv/.data');
    expect(text).toContain('none (loopback only)');
    expect(text).toContain('1 MB');
  });

  it('builds URLs for IPv6 and wildcard hosts and redacts only the password', () => {
    expect(baseUrl('::1', 80)).toBe('http://[::1]:80');
    expect(baseUrl('0.0.0.0', 4000)).toBe('http://localhost:4000');
    expect(redactDatabaseUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
  });
});

describe('models, secrets, tool network and MCP settings', () => {
  const SECRET = 'e'.repeat(64);

  it('parses them, and shows them in the summary without secret values', () => {
    const mcp = JSON.stringify([
      {
        name: 'files',
        transport: 'stdio',
        command: 'mcp-files',
        args: ['--token', 'mcp-arg-secret'],
        env: { TOKEN: 'mcp-env-secret' },
      },
    ]);
    const config = loadConfig({
      FLOWCRAFT_SECRET_KEY: SECRET,
      FLOWCRAFT_OPENAI_COMPATIBLE: '{"vllm":{"baseURL":"http://gpu:8000/v1"}}',
      TOOL_HTTP_ALLOW_PRIVATE: 'true',
      TOOL_HTTP_DENY_HOSTS: 'metadata.internal, 10.0.0.0/8',
      TOOL_HTTP_MAX_REDIRECTS: '2',
      MCP_SERVERS: mcp,
    });
    expect(config.secretKey).toEqual({ id: expect.stringMatching(/^[0-9a-f]{16}$/), oldIds: [] });
    expect(config.compatibleEndpoints).toEqual(['vllm']);
    expect(config.toolNetwork).toMatchObject({
      allowPrivateAddresses: true,
      denyHosts: ['metadata.internal', '10.0.0.0/8'],
      maxRedirects: 2,
    });
    expect(config.mcpServers).toEqual([expect.objectContaining({ name: 'files', transport: 'stdio' })]);
    const text = summarize(config);
    expect(text).toContain(`key ${config.secretKey?.id}`);
    expect(text).toContain('OpenAI-compatible: vllm');
    expect(text).toContain('private addresses ALLOWED');
    expect(text).toContain('files (stdio)');
    for (const secret of [SECRET, 'mcp-arg-secret', 'mcp-env-secret']) expect(text).not.toContain(secret);
    expect(summarize(loadConfig({}))).toMatch(/no FLOWCRAFT_SECRET_KEY/);
  });

  it('reports every bad value at start, never echoing a key', () => {
    expect(configError(() => loadConfig({ TOOL_HTTP_MAX_REDIRECTS: '99' })).issues.join()).toContain(
      'TOOL_HTTP_MAX_REDIRECTS',
    );
    const err2 = configError(() =>
      loadConfig({
        FLOWCRAFT_SECRET_KEY: 'too-short-secret',
        FLOWCRAFT_OPENAI_COMPATIBLE: '{not json',
        TOOL_HTTP_ALLOW_CIDRS: 'not-a-cidr!',
        MCP_SERVERS: '[{"name":"x","transport":"carrier-pigeon"}]',
        MCP_CONFIG_FILE: '/nonexistent/mcp.json',
      }),
    );
    const all = err2.issues.join('\n');
    for (const key of [
      'FLOWCRAFT_SECRET_KEY',
      'FLOWCRAFT_OPENAI_COMPATIBLE',
      'TOOL_HTTP_ALLOW_CIDRS[0]',
      'MCP_SERVERS',
      'MCP_CONFIG_FILE',
    ])
      expect(all).toContain(`${key}:`);
    expect(all).not.toContain('too-short-secret');
    expect(configError(() => loadConfig({ FLOWCRAFT_SECRET_KEYS_OLD: SECRET })).issues[0]).toContain(
      'FLOWCRAFT_SECRET_KEY is not',
    );
  });
});

describe('process roles', () => {
  it('reads the role and the worker settings, and refuses api/worker roles on the embedded database', () => {
    const config = loadConfig({
      FLOWCRAFT_ROLE: 'worker',
      DATABASE_URL: 'postgres://u@db/x',
      WORKER_CONCURRENCY: '7',
      WORKER_ID: 'w-7',
      RUN_LEASE_SECONDS: '12',
      QUEUE_POLL_SECONDS: '0.5',
    });
    expect(config.role).toBe('worker');
    expect(config.worker).toEqual({ concurrency: 7, id: 'w-7', leaseSeconds: 12, pollSeconds: 0.5 });
    expect(() => loadConfig({ FLOWCRAFT_ROLE: 'api' })).toThrow(
      /FLOWCRAFT_ROLE: api processes share a PostgreSQL server/,
    );
    expect(() => loadConfig({ FLOWCRAFT_ROLE: 'both' })).toThrow(/FLOWCRAFT_ROLE/);
    expect(() => loadConfig({ WORKER_CONCURRENCY: '0' })).toThrow(/WORKER_CONCURRENCY/);
  });
});
