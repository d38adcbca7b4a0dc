import { createScrubber, MIN_SECRET_LENGTH, type Scrubber } from './scrubber.js';

export type Env = Record<string, string | undefined>;

/** Env names whose values are credentials, not settings. */
export function isSensitiveName(name: string): boolean {
  return /(_API_KEY|_TOKEN|_SECRET|_PASSWORD|_SECRET_KEY|_SECRET_KEYS_OLD)$/i.test(name);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function stripScheme(header: string): string {
  return header.replace(/^(Bearer|Basic)\s+/i, '');
}

/** `env` and `headers` values of the servers in `MCP_SERVERS` (JSON; nothing when it does not parse). */
function mcpSecrets(raw: string): string[] {
  let servers: unknown;
  try {
    servers = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(servers)) return [];
  const out: string[] = [];
  for (const server of servers) {
    if (server === null || typeof server !== 'object') continue;
    for (const key of ['env', 'headers']) {
      const values: unknown = Reflect.get(server, key);
      if (values === null || typeof values !== 'object') continue;
      for (const v of Object.values(values)) if (typeof v === 'string') out.push(stripScheme(v.trim()));
    }
  }
  return out;
}

function urlPassword(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(value)) return undefined;
  try {
    const password = decodeURIComponent(new URL(value).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}

/**
 * Values of the credential variables in `env` (each comma-separated part too, for key lists), header
 * values of `*_HEADERS` variables (OTLP exporter headers), `env` and `headers` values of the servers in
 * `MCP_SERVERS`, and passwords inside URLs
 * (`postgres://user:pw@…`); trimmed, long enough to scrub.
 */
export function sensitiveEnvValues(env: Env): string[] {
  const out = new Set<string>();
  const add = (v: string | undefined) => {
    const s = v?.trim();
    if (s !== undefined && s.length >= MIN_SECRET_LENGTH) out.add(s);
  };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (isSensitiveName(k)) {
      add(v);
      if (v.includes(',')) for (const part of v.split(',')) add(part);
    }
    // `OTEL_EXPORTER_OTLP_HEADERS=api-key=…,authorization=Bearer …`: each header value.
    if (/_HEADERS$/i.test(k)) {
      for (const pair of v.split(',')) {
        const value = pair.slice(pair.indexOf('=') + 1).trim();
        add(safeDecode(value.replace(/^(Bearer|Basic)(\s|%20)+/i, '')));
      }
    }
    add(urlPassword(v.trim()));
    if (k === 'MCP_SERVERS') for (const secret of mcpSecrets(v)) add(secret);
  }
  return [...out];
}

/**
 * Secret values this process has seen outside the environment (the secret store's values, as
 * they are written or read), so sinks with no run context — the logger — scrub them too.
 */
const remembered = new Set<string>();

export function rememberSecrets(values: Iterable<string>): void {
  for (const v of values) {
    const s = v.trim();
    if (s.length >= MIN_SECRET_LENGTH) remembered.add(s);
  }
}

let cached: { key: string; scrubber: Scrubber } | undefined;

/** A scrubber for the credential variables of `env` plus every remembered secret (rebuilt when they change). */
export function processScrubber(env: Env = process.env): Scrubber {
  const values = [...new Set([...sensitiveEnvValues(env), ...remembered])].sort();
  const key = values.join('\u0000');
  if (cached?.key !== key) cached = { key, scrubber: createScrubber(values) };
  return cached.scrubber;
}
