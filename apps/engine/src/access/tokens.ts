import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 hex: how session tokens and API keys are stored (they are random, 256 bits: no slow hash needed). */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A new session token for the cookie. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The CSRF token of a session: derived from its token, so nothing more is stored. */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');
}

const KEY_PREFIX = 'fck_';

/** A new API key `fck_<8 chars>_<43 chars>`; the part before the second `_` is its shown prefix. */
export function newApiKey(): { key: string; prefix: string } {
  const id = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 8);
  const prefix = `${KEY_PREFIX}${id}`;
  return { key: `${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(KEY_PREFIX);
}
