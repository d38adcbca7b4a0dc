import { createHash } from 'node:crypto';
import { FlowError } from '@flowcraft/schema';

export type Env = Record<string, string | undefined>;

/** One AES-256 key and its id (derived from the key, so ids need no configuration). */
export interface SecretKey {
  id: string;
  key: Buffer;
}

/** The key new secrets are encrypted with, plus older keys still accepted for decryption. */
export interface SecretKeyring {
  current: SecretKey;
  /** Every usable key by id, the current one included. */
  byId: ReadonlyMap<string, SecretKey>;
}

export const SECRET_KEY_ENV = 'FLOWCRAFT_SECRET_KEY';
export const OLD_SECRET_KEYS_ENV = 'FLOWCRAFT_SECRET_KEYS_OLD';

/** Id of a key: 16 hex digits of a SHA-256 over it. Reveals nothing usable about the key. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('flowcraft-secret-key\u0000').update(key).digest('hex').slice(0, 16);
}

/** A 32-byte key written as 64 hex digits or as base64 / base64url (44 or 43 characters). */
export function parseSecretKey(text: string, name = SECRET_KEY_ENV): SecretKey {
  const t = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) key = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(t)) key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key === undefined || key.length !== 32) {
    // Never echo the value: it may be a real key with a typo.
    throw new FlowError(
      'invalid_request',
      `${name} must be 32 random bytes written as 64 hex digits or base64 (e.g. \`openssl rand -base64 32\`).`,
    );
  }
  return { id: keyId(key), key };
}

export function createKeyring(current: SecretKey, old: readonly SecretKey[] = []): SecretKeyring {
  const byId = new Map<string, SecretKey>();
  for (const k of [current, ...old]) if (!byId.has(k.id)) byId.set(k.id, k);
  return { current, byId };
}

/**
 * Keyring from `FLOWCRAFT_SECRET_KEY` (current) and `FLOWCRAFT_SECRET_KEYS_OLD` (comma-separated
 * keys still accepted for decryption during a rotation). Undefined when no key is configured:
 * the engine then refuses to store secrets and uses environment credentials only.
 */
export function keyringFromEnv(env: Env): SecretKeyring | undefined {
  const current = env[SECRET_KEY_ENV]?.trim();
  if (!current) return undefined;
  const old = (env[OLD_SECRET_KEYS_ENV] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s, i) => parseSecretKey(s, `${OLD_SECRET_KEYS_ENV}[${i}]`));
  return createKeyring(parseSecretKey(current), old);
}
