import type { AuthMode } from '@flowcraft/schema';
import type { AccessService } from '../../access/access-service.js';
import type { Principal } from '../../access/principal.js';
import { looksLikeApiKey } from '../../access/tokens.js';
import { apiKeyMatches } from './api-key.js';

export interface Authenticator {
  mode: AuthMode;
  /** The engine's shared `API_KEY` (AUTH_MODE=apikey; also accepted as an admin key with users). */
  apiKey?: string;
  access?: AccessService;
}

export type Resolution =
  | { ok: true; principal: Principal | undefined }
  /** Credentials were presented but are wrong, expired or revoked. */
  | { ok: false; reason: string };

/** Who is calling, from a presented key or the session cookie; shared by HTTP and Socket.IO. */
export async function resolvePrincipal(
  auth: Authenticator,
  token: string | undefined,
  sessionToken: string | undefined,
): Promise<Resolution> {
  if (auth.mode === 'none') return { ok: true, principal: { kind: 'local', role: 'admin' } };
  if (token !== undefined) {
    if (auth.apiKey !== undefined && apiKeyMatches(auth.apiKey, token))
      return { ok: true, principal: { kind: 'shared-key', role: 'admin' } };
    if (auth.mode === 'users' && auth.access && looksLikeApiKey(token)) {
      const principal = await auth.access.apiKeyPrincipal(token);
      if (principal) return { ok: true, principal };
    }
    return { ok: false, reason: 'The API key is not valid (unknown, expired or revoked).' };
  }
  if (auth.mode === 'users' && auth.access && sessionToken !== undefined && sessionToken !== '') {
    const principal = await auth.access.sessionPrincipal(sessionToken);
    if (principal) return { ok: true, principal };
  }
  return { ok: true, principal: undefined };
}
