import { z } from '@hono/zod-openapi';
import {
  ApiKeyInfo as ApiKeyInfoWire,
  AuditEntry as AuditEntryWire,
  AuthStatus as AuthStatusWire,
  ChangePasswordBody as ChangePasswordWire,
  CreateApiKeyBody as CreateApiKeyWire,
  CreateUserBody as CreateUserWire,
  CreatedApiKey as CreatedApiKeyWire,
  LoginBody as LoginWire,
  Me as MeWire,
  SetupBody as SetupWire,
  UpdateUserBody as UpdateUserWire,
  UserInfo as UserInfoWire,
} from '@flowcraft/schema';
import { Id, PageCursor, Timestamp, named } from './common.js';

export const UserInfo = named(UserInfoWire, 'User');
export const UserList = z.object({ items: z.array(UserInfo) }).openapi('UserList');
export const Me = named(MeWire, 'Me');
export const AuthStatus = named(AuthStatusWire, 'AuthStatus');
export const LoginBody = named(LoginWire, 'LoginBody');
export const SetupBody = named(SetupWire, 'SetupBody');
export const ChangePasswordBody = named(ChangePasswordWire, 'ChangePasswordBody');
export const CreateUserBody = named(CreateUserWire, 'CreateUserBody');
export const UpdateUserBody = named(UpdateUserWire, 'UpdateUserBody');
export const ApiKeyInfo = named(ApiKeyInfoWire, 'ApiKey');
export const ApiKeyList = z.object({ items: z.array(ApiKeyInfo) }).openapi('ApiKeyList');
export const CreateApiKeyBody = named(CreateApiKeyWire, 'CreateApiKeyBody');
export const CreatedApiKey = named(CreatedApiKeyWire, 'CreatedApiKey');
export const AuditEntry = named(AuditEntryWire, 'AuditEntry');
export const AuditPage = z
  .object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() })
  .openapi('AuditPage');

export const UserIdParams = z.object({ userId: Id.openapi({ param: { name: 'userId', in: 'path' } }) });
export const KeyIdParams = z.object({ keyId: Id.openapi({ param: { name: 'keyId', in: 'path' } }) });

export const ApiKeyListQuery = z.object({
  all: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: "`true` (admins): every user's keys; default: the caller's own." }),
});

export const AuditQuery = z.object({
  action: z.string().max(64).optional().openapi({ description: 'e.g. `workflow.saved`, `run.started`.' }),
  userId: Id.optional(),
  apiKeyId: Id.optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: PageCursor.optional(),
});
