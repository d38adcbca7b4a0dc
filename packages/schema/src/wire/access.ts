import { z } from 'zod';
import { Timestamp } from './common.js';

/** How an engine authenticates requests (`AUTH_MODE`). */
export const AuthMode = z.enum(['none', 'apikey', 'users']);
export type AuthMode = z.infer<typeof AuthMode>;

/** Roles from most to least powerful; each holds every permission of the roles below it. */
export const Role = z.enum(['admin', 'editor', 'runner', 'viewer']);
export type Role = z.infer<typeof Role>;

/** What a role may do; every HTTP operation and Socket.IO subscription needs one of these (or is public). */
export const Permission = z.enum([
  'workflows:read',
  'runs:read',
  'runs:start',
  'runs:answer',
  'workflows:write',
  'debug',
  'secrets:manage',
  'users:manage',
  'audit:read',
  'metrics:read',
]);
export type Permission = z.infer<typeof Permission>;

export const Email = z.string().trim().toLowerCase().pipe(z.email().max(254));

export const UserInfo = z.object({
  id: z.string(),
  email: z.string(),
  role: Role,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  lastLoginAt: Timestamp.nullable(),
});
export type UserInfo = z.infer<typeof UserInfo>;

/** The caller: who it is, its role and what it may do (`GET /v1/auth/me`). */
export const Me = z.object({
  authMode: AuthMode,
  /** `null` without users (AUTH_MODE none or apikey). */
  user: UserInfo.nullable(),
  /** Set when the caller authenticated with a personal API key. */
  apiKey: z.object({ id: z.string(), prefix: z.string(), name: z.string() }).nullable(),
  role: Role,
  permissions: z.array(Permission),
  /** Send as `x-csrf-token` on writes authenticated by the session cookie. */
  csrfToken: z.string().nullable(),
});
export type Me = z.infer<typeof Me>;

export const AuthStatus = z.object({
  authMode: AuthMode,
  /** True when AUTH_MODE=users and no user exists yet: `POST /v1/auth/setup` creates the first admin. */
  setupRequired: z.boolean(),
});
export type AuthStatus = z.infer<typeof AuthStatus>;

export const Password = z.string().min(10, 'at least 10 characters').max(1024);

export const LoginBody = z.object({ email: Email, password: z.string().min(1).max(1024) }).strict();
export type LoginBody = z.infer<typeof LoginBody>;

export const SetupBody = z.object({ email: Email, password: Password }).strict();
export type SetupBody = z.infer<typeof SetupBody>;

export const ChangePasswordBody = z
  .object({ currentPassword: z.string().min(1).max(1024), newPassword: Password })
  .strict();
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const CreateUserBody = z.object({ email: Email, password: Password, role: Role }).strict();
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const UpdateUserBody = z.object({ role: Role.optional(), password: Password.optional() }).strict();
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

export const ApiKeyInfo = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key, shown to tell keys apart (the key itself is never shown again). */
  prefix: z.string(),
  role: Role,
  userId: z.string(),
  createdAt: Timestamp,
  expiresAt: Timestamp.nullable(),
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

export const CreateApiKeyBody = z
  .object({ name: z.string().trim().min(1).max(100), role: Role.optional(), expiresAt: Timestamp.optional() })
  .strict();
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

/** The new key, shown once. */
export const CreatedApiKey = ApiKeyInfo.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

/** Who did something: a user (by session or key), the engine's shared API_KEY, or the local key-less user. */
export const AuditActor = z.object({
  kind: z.enum(['user', 'apikey', 'shared-key', 'local', 'anonymous']),
  userId: z.string().nullable(),
  email: z.string().nullable(),
  apiKeyId: z.string().nullable(),
});
export type AuditActor = z.infer<typeof AuditActor>;

export const AuditEntry = z.object({
  id: z.string(),
  at: Timestamp,
  actor: AuditActor,
  /** e.g. `workflow.saved`, `run.started`, `state.edited`, `user.created`, `login.failed`. */
  action: z.string(),
  /** What it acted on: ids from the path (never bodies, secret values or run payloads). */
  target: z.record(z.string(), z.string()),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  status: z.number().int(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** What each role may do: every role holds the permissions of the roles below it. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['workflows:read', 'runs:read'],
  runner: ['workflows:read', 'runs:read', 'runs:start', 'runs:answer'],
  editor: ['workflows:read', 'runs:read', 'runs:start', 'runs:answer', 'workflows:write', 'debug'],
  admin: Permission.options,
};

const RANK: Readonly<Record<Role, number>> = { viewer: 0, runner: 1, editor: 2, admin: 3 };

/** True when `role` holds no permission beyond `limit` (an API key's role against its owner's). */
export function roleAtMost(role: Role, limit: Role): boolean {
  return RANK[role] <= RANK[limit];
}

/** The lower of two roles. */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

export function roleCan(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
