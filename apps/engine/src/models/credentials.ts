import type { SecretStore } from '../secrets/secret-store.js';

export type Env = Record<string, string | undefined>;
export type CredentialSource = 'env' | 'secret';

/**
 * Provider settings and keys by name (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, …): from the engine's
 * secret store first, then the environment. A snapshot: load once per run.
 */
export interface Credentials {
  get(name: string): string | undefined;
  source(name: string): CredentialSource | undefined;
  /** Values that must never appear in errors, logs or traces (keys, secret-store values). */
  sensitiveValues(): readonly string[];
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** Env names whose values are credentials, not settings. */
export function isSensitiveName(name: string): boolean {
  return /(_API_KEY|_TOKEN|_SECRET|_PASSWORD)$/i.test(name);
}

const MIN_SCRUB_LENGTH = 6;

export function createCredentials(env: Env, secrets: ReadonlyMap<string, string> = new Map()): Credentials {
  const sensitive = new Set<string>();
  for (const v of secrets.values()) if (v.length >= MIN_SCRUB_LENGTH) sensitive.add(v);
  for (const [k, v] of Object.entries(env)) {
    const value = nonEmpty(v);
    if (value !== undefined && isSensitiveName(k) && value.length >= MIN_SCRUB_LENGTH) sensitive.add(value);
  }
  const list = [...sensitive].sort((a, b) => b.length - a.length);
  return {
    get: (name) => nonEmpty(secrets.get(name)) ?? nonEmpty(env[name]),
    source: (name) =>
      nonEmpty(secrets.get(name)) !== undefined ? 'secret' : nonEmpty(env[name]) !== undefined ? 'env' : undefined,
    sensitiveValues: () => list,
  };
}

/** Credentials from the environment and every secret in `store` (decrypted in memory). */
export async function loadCredentials(env: Env, store?: SecretStore): Promise<Credentials> {
  const secrets = new Map<string, string>();
  if (store !== undefined) {
    for (const { name } of await store.list()) {
      const value = await store.get(name);
      if (value !== undefined) secrets.set(name, value);
    }
  }
  return createCredentials(env, secrets);
}

/** Replaces every sensitive value (and anything shaped like a provider key) with `***`. */
export function scrub(text: string, sensitive: readonly string[]): string {
  let out = text;
  for (const v of sensitive) out = out.split(v).join('***');
  return out.replace(/\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{8,})/g, '***');
}
