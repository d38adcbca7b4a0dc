import { randomUUID } from 'node:crypto';
import {
  AuditActor,
  type ApiKeyInfo,
  type AuditEntry,
  type CreateApiKeyBody,
  type CreatedApiKey,
  FlowError,
  Role,
  type UserInfo,
  lowerRole,
  roleAtMost,
} from '@flowcraft/schema';
import type { AccessRepo, ApiKeyRow, AuditQuery, AuditRow, NewAuditRow, UserRow } from '../store/index.js';
import { dummyHash, hashPassword, verifyPassword } from './password.js';
import type { Principal } from './principal.js';
import { csrfTokenFor, newApiKey, newSessionToken, sha256 } from './tokens.js';

export interface AccessServiceOptions {
  /** How long a session lasts. Default 7 days. */
  sessionTtlMs?: number;
  now?: () => Date;
}

const DAY = 24 * 60 * 60 * 1000;

/** Users, sessions, personal API keys and the audit log over the store. */
export class AccessService {
  private readonly ttl: number;
  private readonly now: () => Date;

  constructor(
    private readonly repo: AccessRepo,
    opts: AccessServiceOptions = {},
  ) {
    this.ttl = opts.sessionTtlMs ?? 7 * DAY;
    this.now = opts.now ?? (() => new Date());
  }

  async setupRequired(): Promise<boolean> {
    return (await this.repo.countUsers()) === 0;
  }

  /** The first admin: only while no user exists (`conflict` after). */
  async setup(email: string, password: string): Promise<UserInfo> {
    const row = await this.repo.insertFirstUser({
      id: randomUUID(),
      email,
      passwordHash: await hashPassword(password),
      role: 'admin',
    });
    if (!row) throw new FlowError('conflict', 'Setup is done: a user exists already. Sign in instead.');
    return userInfo(row);
  }

  /** FLOWCRAFT_ADMIN_EMAIL + FLOWCRAFT_ADMIN_PASSWORD at start: creates that admin when no user exists. */
  async ensureAdmin(email: string, password: string): Promise<'created' | 'exists'> {
    if (!(await this.setupRequired())) return 'exists';
    try {
      await this.setup(email, password);
      return 'created';
    } catch (err) {
      if (err instanceof FlowError && err.code === 'conflict') return 'exists';
      throw err;
    }
  }

  /** A new session for a correct email and password; `undefined` otherwise (same time either way). */
  async login(email: string, password: string): Promise<{ token: string; user: UserInfo } | undefined> {
    const row = await this.repo.userByEmail(email);
    const ok = await verifyPassword(password, row?.passwordHash ?? (await dummyHash()));
    if (!row || !ok) return undefined;
    const token = newSessionToken();
    const now = this.now();
    await this.repo.insertSession({ id: sha256(token), userId: row.id, expiresAt: new Date(now.getTime() + this.ttl) });
    const updated = await this.repo.updateUser(row.id, { lastLoginAt: now });
    return { token, user: userInfo(updated ?? row) };
  }

  async logout(token: string): Promise<void> {
    await this.repo.deleteSession(sha256(token));
  }

  async sessionPrincipal(token: string): Promise<Principal | undefined> {
    const id = sha256(token);
    const user = await this.repo.sessionUser(id, this.now());
    if (!user) return undefined;
    return {
      kind: 'user',
      role: Role.parse(user.role),
      user: { id: user.id, email: user.email },
      sessionId: id,
      csrfToken: csrfTokenFor(token),
    };
  }

  async apiKeyPrincipal(key: string): Promise<Principal | undefined> {
    const found = await this.repo.apiKeyByHash(sha256(key));
    const now = this.now();
    if (!found || (found.key.expiresAt !== null && found.key.expiresAt <= now)) return undefined;
    const { key: row, user } = found;
    void this.repo.touchApiKey(row.id, now).catch(() => undefined);
    return {
      kind: 'apikey',
      role: lowerRole(Role.parse(row.role), Role.parse(user.role)),
      user: { id: user.id, email: user.email },
      apiKey: { id: row.id, prefix: row.prefix, name: row.name },
    };
  }

  async user(id: string): Promise<UserInfo | undefined> {
    const row = await this.repo.userById(id);
    return row && userInfo(row);
  }

  async listUsers(): Promise<UserInfo[]> {
    return (await this.repo.listUsers()).map(userInfo);
  }

  async createUser(email: string, password: string, role: Role): Promise<UserInfo> {
    if (await this.repo.userByEmail(email)) throw new FlowError('conflict', `A user with email ${email} exists.`);
    const row = await this.repo.insertUser({
      id: randomUUID(),
      email,
      passwordHash: await hashPassword(password),
      role,
    });
    return userInfo(row);
  }

  /** Changes a user's role or password (a new password signs them out everywhere); the last admin stays admin. */
  async updateUser(id: string, change: { role?: Role; password?: string }): Promise<UserInfo | undefined> {
    const row = await this.repo.userById(id);
    if (!row) return undefined;
    if (change.role !== undefined && change.role !== 'admin' && row.role === 'admin') await this.keepAnAdmin('demote');
    const updated = await this.repo.updateUser(id, {
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(change.password !== undefined ? { passwordHash: await hashPassword(change.password) } : {}),
    });
    if (change.password !== undefined) await this.repo.deleteSessionsOf(id);
    return updated && userInfo(updated);
  }

  async deleteUser(id: string): Promise<boolean> {
    const row = await this.repo.userById(id);
    if (!row) return false;
    if (row.role === 'admin') await this.keepAnAdmin('delete');
    return this.repo.deleteUser(id);
  }

  private async keepAnAdmin(what: 'demote' | 'delete'): Promise<void> {
    if ((await this.repo.countAdmins()) <= 1)
      throw new FlowError('conflict', `Cannot ${what} the last admin: make another user admin first.`);
  }

  /** The caller's own password; other sessions are signed out. */
  async changePassword(principal: Principal, current: string, next: string): Promise<void> {
    if (principal.kind !== 'user' && principal.kind !== 'apikey')
      throw new FlowError('invalid_request', 'Only a signed-in user has a password.');
    const row = await this.repo.userById(principal.user.id);
    if (!row || !(await verifyPassword(current, row.passwordHash)))
      throw new FlowError('forbidden', 'The current password is not correct.');
    await this.repo.updateUser(row.id, { passwordHash: await hashPassword(next) });
    await this.repo.deleteSessionsOf(row.id, principal.kind === 'user' ? principal.sessionId : undefined);
  }

  /** A key for the caller; its role defaults to, and may not exceed, the caller's. Returned once. */
  async createApiKey(principal: Principal, body: CreateApiKeyBody): Promise<CreatedApiKey> {
    if (principal.kind !== 'user' && principal.kind !== 'apikey')
      throw new FlowError('invalid_request', 'API keys belong to users: sign in (AUTH_MODE=users) to create one.');
    const role = body.role ?? principal.role;
    if (!roleAtMost(role, principal.role))
      throw new FlowError('forbidden', `A key cannot have more rights than its owner (${principal.role}).`);
    const expiresAt = body.expiresAt === undefined ? null : new Date(body.expiresAt);
    if (expiresAt !== null && expiresAt <= this.now())
      throw new FlowError('invalid_input', 'expiresAt must be in the future.');
    const { key, prefix } = newApiKey();
    const row = await this.repo.insertApiKey({
      id: randomUUID(),
      userId: principal.user.id,
      name: body.name,
      prefix,
      keyHash: sha256(key),
      role,
      expiresAt,
    });
    return { ...apiKeyInfo(row), key };
  }

  /** Keys of one user, or of everyone (`undefined`, admins). */
  async listApiKeys(userId: string | undefined): Promise<ApiKeyInfo[]> {
    return (await this.repo.listApiKeys(userId)).map(apiKeyInfo);
  }

  async apiKey(id: string): Promise<ApiKeyInfo | undefined> {
    const row = await this.repo.apiKeyById(id);
    return row && apiKeyInfo(row);
  }

  /** Revokes at once (the next request with it gets 401). `false` when unknown or already revoked. */
  async revokeApiKey(id: string): Promise<boolean> {
    return (await this.repo.revokeApiKey(id, this.now())) !== undefined;
  }

  async record(entry: NewAuditRow): Promise<void> {
    await this.repo.insertAudit(entry);
  }

  async audit(query: AuditQuery): Promise<AuditEntry[]> {
    return (await this.repo.queryAudit(query)).map(auditEntry);
  }
}

function iso(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}

export function userInfo(row: UserRow): UserInfo {
  return {
    id: row.id,
    email: row.email,
    role: Role.parse(row.role),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastLoginAt: iso(row.lastLoginAt),
  };
}

function apiKeyInfo(row: ApiKeyRow): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: Role.parse(row.role),
    userId: row.userId,
    createdAt: row.createdAt.toISOString(),
    expiresAt: iso(row.expiresAt),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
  };
}

function auditEntry(row: AuditRow): AuditEntry {
  const parsed = AuditActor.shape.kind.safeParse(row.actorKind);
  const kind = parsed.success ? parsed.data : 'anonymous';
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    actor: { kind, userId: row.userId, email: row.email, apiKeyId: row.apiKeyId },
    action: row.action,
    target: row.target,
    ip: row.ip,
    requestId: row.requestId,
    status: row.status,
  };
}
