export { SecretCipher } from './cipher.js';
export {
  createKeyring,
  keyId,
  keyringFromEnv,
  parseSecretKey,
  OLD_SECRET_KEYS_ENV,
  SECRET_KEY_ENV,
  type SecretKey,
  type SecretKeyring,
} from './keyring.js';
export {
  EncryptedSecretStore,
  MemorySecretRows,
  MAX_SECRET_BYTES,
  SecretInfo,
  SecretName,
  type SecretRow,
  type SecretRows,
  type SecretStore,
} from './secret-store.js';
export { createSecretStore } from './create.js';
export { createScrubber, secretVariants, REDACTED, MIN_SECRET_LENGTH, type Scrubber } from './scrubber.js';
export { isSensitiveName, processScrubber, rememberSecrets, sensitiveEnvValues } from './known-secrets.js';
