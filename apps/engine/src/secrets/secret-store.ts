import { z } from 'zod';
import { FlowError } from '@flowcraft/schema';
import type { SecretCipher } from './cipher.js';
import { rememberSecrets } from './known-secrets.js';

/** Secret names: environment-variable-like, e.g. `OPENAI_API_KEY`, `VLLM_API_KEY`. */
export const SecretName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, 'letters, digits, _ . - (starting with a letter or _), at most 128');
export type SecretName = z.infer<typeof SecretName>;

export const MAX_SECRET_BYTES = 16_384;

/** What the API may show about a secret: never its value. */
export const SecretInfo = z.object({
  name: SecretName,
  /** Id of the key it is encrypted with (see FLOWCRAFT_SECRET_KEY); not the key. */
  keyId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SecretInfo = z.infer<typeof SecretInfo>;

/** Named secrets, encrypted at rest. `list` returns names and metadata only. */
export interface SecretStore {
  set(name: string, value: string): Promise<void>;
  get(name: string): Promise<string | undefined>;
  list(): Promise<SecretInfo[]>;
  delete(name: string): Promise<boolean>;
}

/** One stored row; `ciphertext` is a SecretCipher envelope. What a database table holds. */
export interface SecretRow {
  name: string;
  ciphertext: string;
  keyId: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Raw row storage (in memory here; a drizzle table in the store). Knows nothing of encryption. */
export interface SecretRows {
  get(name: string): Promise<SecretRow | undefined>;
  /** Insert or replace by name. */
  put(row: SecretRow): Promise<void>;
  list(): Promise<SecretRow[]>;
  delete(name: string): Promise<boolean>;
}

export class MemorySecretRows implements SecretRows {
  private readonly rows = new Map<string, SecretRow>();
  async get(name: string): Promise<SecretRow | undefined> {
    const r = this.rows.get(name);
    return r === undefined ? undefined : { ...r };
  }
  async put(row: SecretRow): Promise<void> {
    this.rows.set(row.name, { ...row });
  }
  async list(): Promise<SecretRow[]> {
    return [...this.rows.values()].map((r) => ({ ...r })).sort((a, b) => a.name.localeCompare(b.name));
  }
  async delete(name: string): Promise<boolean> {
    return this.rows.delete(name);
  }
}

function checkName(name: string): string {
  const r = SecretName.safeParse(name);
  if (!r.success)
    throw new FlowError('invalid_request', `Invalid secret name: ${r.error.issues[0]?.message ?? 'bad name'}`);
  return r.data;
}

/** A SecretStore that encrypts values with `cipher` before they reach `rows`. */
export class EncryptedSecretStore implements SecretStore {
  constructor(
    private readonly rows: SecretRows,
    private readonly cipher: SecretCipher,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async set(name: string, value: string): Promise<void> {
    checkName(name);
    if (value === '') throw new FlowError('invalid_request', `Secret "${name}" must not be empty.`);
    if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES)
      throw new FlowError('invalid_request', `Secret "${name}" is longer than ${MAX_SECRET_BYTES} bytes.`);
    rememberSecrets([value]);
    const existing = await this.rows.get(name);
    const at = this.now();
    await this.rows.put({
      name,
      ciphertext: this.cipher.encrypt(name, value),
      keyId: this.cipher.currentKeyId,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
    });
  }

  async get(name: string): Promise<string | undefined> {
    const row = await this.rows.get(checkName(name));
    if (row === undefined) return undefined;
    const value = this.cipher.decrypt(name, row.ciphertext);
    // Known to this process from now on, so the logger scrubs it too.
    rememberSecrets([value]);
    return value;
  }

  async list(): Promise<SecretInfo[]> {
    return (await this.rows.list()).map((r) => ({
      name: r.name,
      keyId: r.keyId,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    }));
  }

  async delete(name: string): Promise<boolean> {
    return this.rows.delete(checkName(name));
  }

  /**
   * Re-encrypts every secret not under the current key (decrypting with the old keys).
   * Idempotent; run after changing FLOWCRAFT_SECRET_KEY, then drop the old key.
   */
  async rotate(): Promise<{ rotated: string[]; current: string }> {
    const rotated: string[] = [];
    for (const row of await this.rows.list()) {
      if (!this.cipher.needsRotation(row.name, row.ciphertext)) continue;
      const value = this.cipher.decrypt(row.name, row.ciphertext);
      await this.rows.put({
        ...row,
        ciphertext: this.cipher.encrypt(row.name, value),
        keyId: this.cipher.currentKeyId,
        updatedAt: this.now(),
      });
      rotated.push(row.name);
    }
    return { rotated, current: this.cipher.currentKeyId };
  }
}
