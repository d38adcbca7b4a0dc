import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FlowError } from '@flowcraft/schema';
import { SecretCipher } from './cipher.js';
import { createKeyring, keyringFromEnv, parseSecretKey } from './keyring.js';
import { EncryptedSecretStore, MemorySecretRows } from './secret-store.js';
import { createSecretStore } from './create.js';

const hexKey = () => randomBytes(32).toString('hex');
const b64Key = () => randomBytes(32).toString('base64');
const VALUE = 'sk-live-0123456789abcdefSECRET';

function store(env: Record<string, string>, rows = new MemorySecretRows()) {
  const s = createSecretStore(env, rows);
  if (!s) throw new Error('expected a store');
  return { s, rows };
}

describe('secret keys', () => {
  it('accepts hex and base64 keys and derives a stable id', () => {
    const raw = randomBytes(32);
    const a = parseSecretKey(raw.toString('hex'));
    const b = parseSecretKey(raw.toString('base64'));
    const c = parseSecretKey(raw.toString('base64url'));
    expect(a.key.equals(raw)).toBe(true);
    expect(b.id).toBe(a.id);
    expect(c.id).toBe(a.id);
    expect(a.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('rejects short or malformed keys without echoing them', () => {
    const bad = 'not-a-key-but-maybe-a-real-password';
    const err = (() => {
      try {
        parseSecretKey(bad);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(FlowError);
    expect(String((err as Error).message)).not.toContain(bad);
    expect(() => parseSecretKey(randomBytes(16).toString('hex'))).toThrow(/32 random bytes/);
  });

  it('no key in the environment means no store', () => {
    expect(keyringFromEnv({})).toBeUndefined();
    expect(createSecretStore({ FLOWCRAFT_SECRET_KEY: ' ' })).toBeUndefined();
  });
});

describe('SecretCipher (AES-256-GCM)', () => {
  const cipher = new SecretCipher(createKeyring(parseSecretKey(hexKey())));

  it('round-trips, uses a fresh IV each time and never contains the plaintext', () => {
    const a = cipher.encrypt('OPENAI_API_KEY', VALUE);
    const b = cipher.encrypt('OPENAI_API_KEY', VALUE);
    expect(a).not.toBe(b);
    expect(a).not.toContain(VALUE);
    expect(Buffer.from(a.split('.')[3]!, 'base64url').toString('latin1')).not.toContain('SECRET');
    expect(cipher.decrypt('OPENAI_API_KEY', a)).toBe(VALUE);
  });

  it('binds the ciphertext to its name and detects tampering', () => {
    const env = cipher.encrypt('A', VALUE);
    expect(() => cipher.decrypt('B', env)).toThrow(/failed authentication/);
    const parts = env.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => cipher.decrypt('A', parts.join('.'))).toThrow(/failed authentication/);
    expect(() => cipher.decrypt('A', 'garbage')).toThrow(/envelope/);
  });

  it('refuses envelopes of an unknown key, naming its id only', () => {
    const other = new SecretCipher(createKeyring(parseSecretKey(hexKey())));
    const env = other.encrypt('A', VALUE);
    expect(() => cipher.decrypt('A', env)).toThrow(new RegExp(other.currentKeyId));
  });
});

describe('EncryptedSecretStore', () => {
  it('sets, gets, lists names without values, and deletes', async () => {
    const { s, rows } = store({ FLOWCRAFT_SECRET_KEY: hexKey() });
    await s.set('OPENAI_API_KEY', VALUE);
    await s.set('ANTHROPIC_API_KEY', 'sk-ant-xyz');
    expect(await s.get('OPENAI_API_KEY')).toBe(VALUE);
    expect(await s.get('MISSING')).toBeUndefined();
    const listed = await s.list();
    expect(listed.map((i) => i.name)).toEqual(['ANTHROPIC_API_KEY', 'OPENAI_API_KEY']);
    expect(JSON.stringify(listed)).not.toContain(VALUE);
    expect(JSON.stringify(await rows.list())).not.toContain(VALUE);
    expect(await s.delete('OPENAI_API_KEY')).toBe(true);
    expect(await s.delete('OPENAI_API_KEY')).toBe(false);
    expect(await s.get('OPENAI_API_KEY')).toBeUndefined();
  });

  it('keeps createdAt on update and validates names and values', async () => {
    let t = 0;
    const keyring = keyringFromEnv({ FLOWCRAFT_SECRET_KEY: hexKey() });
    if (!keyring) throw new Error('keyring');
    const s = new EncryptedSecretStore(
      new MemorySecretRows(),
      new SecretCipher(keyring),
      () => new Date(Date.UTC(2025, 0, 1) + 1000 * t++),
    );
    await s.set('K', 'one');
    await s.set('K', 'two');
    const [info] = await s.list();
    expect(info).toMatchObject({
      name: 'K',
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:01.000Z',
    });
    expect(await s.get('K')).toBe('two');
    await expect(s.set('bad name', 'x')).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(s.set('K', '')).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(s.set('K', 'x'.repeat(20_000))).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('rotates: old keys still decrypt, rotate() re-encrypts under the new key, then the old key can go', async () => {
    const oldKey = hexKey();
    const newKey = b64Key();
    const rows = new MemorySecretRows();
    const before = store({ FLOWCRAFT_SECRET_KEY: oldKey }, rows).s;
    await before.set('A', 'alpha');
    await before.set('B', 'beta');
    const oldId = (await before.list())[0]!.keyId;

    // Step 1: new key current, old key listed as old: everything still readable.
    const during = store({ FLOWCRAFT_SECRET_KEY: newKey, FLOWCRAFT_SECRET_KEYS_OLD: ` ${oldKey} ` }, rows).s;
    expect(await during.get('A')).toBe('alpha');
    // Step 2: rotate (idempotent).
    const res = await during.rotate();
    expect(res.rotated).toEqual(['A', 'B']);
    expect(res.current).not.toBe(oldId);
    expect((await during.list()).every((i) => i.keyId === res.current)).toBe(true);
    expect((await during.rotate()).rotated).toEqual([]);
    // Step 3: old key removed: still readable.
    const after = store({ FLOWCRAFT_SECRET_KEY: newKey }, rows).s;
    expect(await after.get('B')).toBe('beta');
    // Without rotation the old ciphertexts would have been unreadable with the new key only.
    const stale = new MemorySecretRows();
    await store({ FLOWCRAFT_SECRET_KEY: oldKey }, stale).s.set('A', 'alpha');
    await expect(store({ FLOWCRAFT_SECRET_KEY: newKey }, stale).s.get('A')).rejects.toThrow(
      /FLOWCRAFT_SECRET_KEYS_OLD/,
    );
  });
});
