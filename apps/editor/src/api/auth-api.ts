import { z } from 'zod';
import { ApiKeyInfo, AuditEntry, AuthStatus, CreatedApiKey, Me, type Role, UserInfo } from '@flowcraft/schema';
import { request } from './http.js';

const Empty = z.undefined();

export const getAuthStatus = () => request('/v1/auth/status', AuthStatus);
export const getMe = () => request('/v1/auth/me', Me);
export const login = (email: string, password: string) =>
  request('/v1/auth/login', Me, { method: 'POST', body: { email, password } });
export const setupAdmin = (email: string, password: string) =>
  request('/v1/auth/setup', Me, { method: 'POST', body: { email, password } });
export const logout = () => request('/v1/auth/logout', Empty, { method: 'POST' });
export const changePassword = (currentPassword: string, newPassword: string) =>
  request('/v1/auth/password', Empty, { method: 'POST', body: { currentPassword, newPassword } });

export const listUsers = async () => (await request('/v1/users', z.object({ items: z.array(UserInfo) }))).items;
export const createUser = (email: string, password: string, role: Role) =>
  request('/v1/users', UserInfo, { method: 'POST', body: { email, password, role } });
export const updateUser = (id: string, change: { role?: Role; password?: string }) =>
  request(`/v1/users/${encodeURIComponent(id)}`, UserInfo, { method: 'PATCH', body: change });
export const deleteUser = (id: string) => request(`/v1/users/${encodeURIComponent(id)}`, Empty, { method: 'DELETE' });

export const listApiKeys = async () => (await request('/v1/api-keys', z.object({ items: z.array(ApiKeyInfo) }))).items;
export const createApiKey = (name: string, role?: Role) =>
  request('/v1/api-keys', CreatedApiKey, { method: 'POST', body: role ? { name, role } : { name } });
export const revokeApiKey = (id: string) =>
  request(`/v1/api-keys/${encodeURIComponent(id)}`, Empty, { method: 'DELETE' });

export const listAudit = async () =>
  (
    await request('/v1/audit', z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() }), {
      query: { limit: 50 },
    })
  ).items;
