import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { FlowError } from '@flowcraft/schema';
import type { SecretKeyring } from './keyring.js';

const VERSION = 'fcs1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for secret values. The envelope is `fcs1.<keyId>.<iv>.<ciphertext+tag>` (base64url);
 * the secret's name and the key id are authenticated as additional data, so a ciphertext cannot
 * be moved to another name or relabelled with another key id without failing to decrypt.
 */
export class SecretCipher {
  constructor(private readonly keyring: SecretKeyring) {}

  get currentKeyId(): string {
    return this.keyring.current.id;
  }

  encrypt(name: string, value: string): string {
    const { id, key } = this.keyring.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(id, name));
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, id, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(name: string, envelope: string): string {
    const { id, iv, body } = parse(name, envelope);
    const k = this.keyring.byId.get(id);
    if (k === undefined) {
      throw new FlowError(
        'internal',
        `Secret "${name}" was encrypted with key ${id}, which is not configured; add it to FLOWCRAFT_SECRET_KEYS_OLD.`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', k.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(id, name));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new FlowError(
        'internal',
        `Secret "${name}" failed authentication: it was altered, or stored under another name.`,
      );
    }
  }

  /** Key id an envelope was encrypted with. */
  keyIdOf(name: string, envelope: string): string {
    return parse(name, envelope).id;
  }

  /** True when the envelope is not under the current key (rotation pending). */
  needsRotation(name: string, envelope: string): boolean {
    return this.keyIdOf(name, envelope) !== this.keyring.current.id;
  }
}

function aad(keyId: string, name: string): Buffer {
  return Buffer.from(`${VERSION}\u0000${keyId}\u0000${name}`, 'utf8');
}

function parse(name: string, envelope: string): { id: string; iv: Buffer; body: Buffer } {
  const parts = envelope.split('.');
  const [version, id, iv, body] = parts;
  if (parts.length !== 4 || version !== VERSION || !id || !iv || !body) {
    throw new FlowError('internal', `Secret "${name}" is not a ${VERSION} envelope.`);
  }
  const ivBytes = Buffer.from(iv, 'base64url');
  const bodyBytes = Buffer.from(body, 'base64url');
  if (ivBytes.length !== IV_BYTES || bodyBytes.length < TAG_BYTES)
    throw new FlowError('internal', `Secret "${name}" is a truncated envelope.`);
  return { id, iv: ivBytes, body: bodyBytes };
}
