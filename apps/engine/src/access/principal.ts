import type { AuditActor, Role } from '@flowcraft/schema';

export interface PrincipalUser {
  id: string;
  email: string;
}

/** Who is calling, as the permission check and the audit log see it. */
export type Principal =
  /** AUTH_MODE=none: the person at this machine (loopback only). */
  | { kind: 'local'; role: 'admin' }
  /** The engine's shared `API_KEY`. */
  | { kind: 'shared-key'; role: 'admin' }
  /** A signed-in user (session cookie); writes need the CSRF token. */
  | { kind: 'user'; role: Role; user: PrincipalUser; sessionId: string; csrfToken: string }
  /** A personal API key: the lower of its role and its owner's current role. */
  | { kind: 'apikey'; role: Role; user: PrincipalUser; apiKey: { id: string; prefix: string; name: string } };

export function auditActor(principal: Principal | undefined): AuditActor {
  if (principal === undefined) return { kind: 'anonymous', userId: null, email: null, apiKeyId: null };
  switch (principal.kind) {
    case 'local':
    case 'shared-key':
      return { kind: principal.kind, userId: null, email: null, apiKeyId: null };
    case 'user':
      return { kind: 'user', userId: principal.user.id, email: principal.user.email, apiKeyId: null };
    case 'apikey':
      return { kind: 'apikey', userId: principal.user.id, email: principal.user.email, apiKeyId: principal.apiKey.id };
  }
}

/** A stable key for per-caller rate limits. */
export function principalKey(principal: Principal): string {
  switch (principal.kind) {
    case 'local':
    case 'shared-key':
      return principal.kind;
    case 'user':
      return `user:${principal.user.id}`;
    case 'apikey':
      return `key:${principal.apiKey.id}`;
  }
}
