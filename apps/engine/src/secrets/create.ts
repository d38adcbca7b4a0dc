import { SecretCipher } from './cipher.js';
import { keyringFromEnv, type Env } from './keyring.js';
import { EncryptedSecretStore, MemorySecretRows, type SecretRows } from './secret-store.js';

/**
 * The engine's secret store over `rows` (in memory by default), keyed from the environment.
 * Undefined when FLOWCRAFT_SECRET_KEY is not set: secrets are then unavailable, not stored in clear.
 */
export function createSecretStore(
  env: Env,
  rows: SecretRows = new MemorySecretRows(),
): EncryptedSecretStore | undefined {
  const keyring = keyringFromEnv(env);
  return keyring === undefined ? undefined : new EncryptedSecretStore(rows, new SecretCipher(keyring));
}
