import { sensitiveEnvValues, type Env } from '../secrets/known-secrets.js';
import { createScrubber, MIN_SECRET_LENGTH, type Scrubber } from '../secrets/scrubber.js';
import type { SecretStore } from '../secrets/secret-store.js';

export type { Env };
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
  /** Scrubs those values in every encoding (see secrets/scrubber.ts). */
  scrubber(): Scrubber;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

export function createCredentials(env: Env, secrets: ReadonlyMap<string, string> = new Map()): Credentials {
  const sensitive = new Set<string>(sensitiveEnvValues(env));
  for (const v of secrets.values()) if (v.trim().length >= MIN_SECRET_LENGTH) sensitive.add(v.trim());
  const list = [...sensitive].sort((a, b) => b.length - a.length);
  let scrubber: Scrubber | undefined;
  return {
    get: (name) => nonEmpty(secrets.get(name)) ?? nonEmpty(env[name]),
    source: (name) =>
      nonEmpty(secrets.get(name)) !== undefined ? 'secret' : nonEmpty(env[name]) !== undefined ? 'env' : undefined,
    sensitiveValues: () => list,
    scrubber: () => (scrubber ??= createScrubber(list)),
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
