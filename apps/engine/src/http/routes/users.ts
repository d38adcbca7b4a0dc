import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { FlowError } from '@flowcraft/schema';
import type { HttpDeps } from '../deps.js';
import {
  ApiKeyList,
  ApiKeyListQuery,
  AuditPage,
  AuditQuery,
  CreateApiKeyBody,
  CreateUserBody,
  CreatedApiKey,
  KeyIdParams,
  UpdateUserBody,
  UserIdParams,
  UserInfo,
  UserList,
} from '../schemas/access.js';
import { accessService, principalOf } from './auth.js';
import { found, jsonBody, jsonResponse, problemResponses } from './openapi-helpers.js';

const listUsers = createRoute({
  operationId: 'listUsers',
  method: 'get',
  path: '/v1/users',
  tags: ['users'],
  summary: 'Every user',
  responses: { 200: jsonResponse(UserList, 'Users by email'), ...problemResponses() },
});
const createUser = createRoute({
  operationId: 'createUser',
  method: 'post',
  path: '/v1/users',
  tags: ['users'],
  summary: 'Create a user with a role',
  request: { body: jsonBody(CreateUserBody) },
  responses: { 201: jsonResponse(UserInfo, 'Created'), ...problemResponses(409) },
});
const getUser = createRoute({
  operationId: 'getUser',
  method: 'get',
  path: '/v1/users/{userId}',
  tags: ['users'],
  summary: 'One user',
  request: { params: UserIdParams },
  responses: { 200: jsonResponse(UserInfo, 'The user'), ...problemResponses(404) },
});
const updateUser = createRoute({
  operationId: 'updateUser',
  method: 'patch',
  path: '/v1/users/{userId}',
  tags: ['users'],
  summary: "Change a user's role or password",
  description: 'A new password signs the user out everywhere. The last admin cannot be demoted.',
  request: { params: UserIdParams, body: jsonBody(UpdateUserBody) },
  responses: { 200: jsonResponse(UserInfo, 'Updated'), ...problemResponses(404, 409) },
});
const deleteUser = createRoute({
  operationId: 'deleteUser',
  method: 'delete',
  path: '/v1/users/{userId}',
  tags: ['users'],
  summary: 'Delete a user (with their sessions and API keys)',
  request: { params: UserIdParams },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(404, 409) },
});
const listKeys = createRoute({
  operationId: 'listApiKeys',
  method: 'get',
  path: '/v1/api-keys',
  tags: ['api keys'],
  summary: "The caller's API keys (prefix shown, never the key)",
  request: { query: ApiKeyListQuery },
  responses: { 200: jsonResponse(ApiKeyList, 'Keys, newest first'), ...problemResponses() },
});
const createKey = createRoute({
  operationId: 'createApiKey',
  method: 'post',
  path: '/v1/api-keys',
  tags: ['api keys'],
  summary: 'Create a personal API key (returned once)',
  description:
    "The key's role defaults to the caller's and may not exceed it; a key later acts with the lower of its role and its owner's current role. Send it as `Authorization: Bearer <key>` or `x-api-key: <key>`.",
  request: { body: jsonBody(CreateApiKeyBody) },
  responses: { 201: jsonResponse(CreatedApiKey, 'The key, shown this once'), ...problemResponses() },
});
const revokeKey = createRoute({
  operationId: 'revokeApiKey',
  method: 'delete',
  path: '/v1/api-keys/{keyId}',
  tags: ['api keys'],
  summary: 'Revoke an API key (takes effect at once)',
  request: { params: KeyIdParams },
  responses: { 204: { description: 'Revoked' }, ...problemResponses(404) },
});
const audit = createRoute({
  operationId: 'listAuditEntries',
  method: 'get',
  path: '/v1/audit',
  tags: ['audit'],
  summary: 'The audit log, newest first',
  description:
    'Who (user, key), what (action), on what (ids), when, from where. Never request bodies, secret values or run payloads.',
  request: { query: AuditQuery },
  responses: { 200: jsonResponse(AuditPage, 'Entries'), ...problemResponses() },
});

/** Users (admin), personal API keys (everyone, their own) and the audit log (admin). */
export function registerUserRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  app.openapi(listUsers, async (c) => c.json({ items: await accessService(deps).listUsers() }, 200));

  app.openapi(createUser, async (c) => {
    const body = c.req.valid('json');
    return c.json(await accessService(deps).createUser(body.email, body.password, body.role), 201);
  });

  app.openapi(getUser, async (c) => {
    const { userId } = c.req.valid('param');
    return c.json(found(await accessService(deps).user(userId), `There is no user ${userId}.`), 200);
  });

  app.openapi(updateUser, async (c) => {
    const { userId } = c.req.valid('param');
    const user = await accessService(deps).updateUser(userId, c.req.valid('json'));
    return c.json(found(user, `There is no user ${userId}.`), 200);
  });

  app.openapi(deleteUser, async (c) => {
    const { userId } = c.req.valid('param');
    if (!(await accessService(deps).deleteUser(userId)))
      throw new FlowError('not_found', `There is no user ${userId}.`);
    return c.body(null, 204);
  });

  app.openapi(listKeys, async (c) => {
    const principal = principalOf(c);
    const access = accessService(deps);
    if (c.req.valid('query').all === 'true') {
      if (principal.role !== 'admin') throw new FlowError('forbidden', "Only admins see every user's keys.");
      return c.json({ items: await access.listApiKeys(undefined) }, 200);
    }
    if (principal.kind !== 'user' && principal.kind !== 'apikey') return c.json({ items: [] }, 200);
    return c.json({ items: await access.listApiKeys(principal.user.id) }, 200);
  });

  app.openapi(createKey, async (c) =>
    c.json(await accessService(deps).createApiKey(principalOf(c), c.req.valid('json')), 201),
  );

  app.openapi(revokeKey, async (c) => {
    const { keyId } = c.req.valid('param');
    const principal = principalOf(c);
    const access = accessService(deps);
    const key = await access.apiKey(keyId);
    const mine = key && (principal.kind === 'user' || principal.kind === 'apikey') && key.userId === principal.user.id;
    // Someone else's key is "not found" unless the caller is an admin.
    if (!key || key.revokedAt !== null || (!mine && principal.role !== 'admin'))
      throw new FlowError('not_found', `There is no active API key ${keyId}.`);
    await access.revokeApiKey(keyId);
    return c.body(null, 204);
  });

  app.openapi(audit, async (c) => {
    const q = c.req.valid('query');
    const beforeId = q.cursor === undefined ? undefined : Number(Buffer.from(q.cursor, 'base64url').toString('utf8'));
    if (beforeId !== undefined && !Number.isSafeInteger(beforeId))
      throw new FlowError('invalid_request', 'The cursor was not issued by this API.');
    const items = await accessService(deps).audit({
      ...(q.action !== undefined ? { action: q.action } : {}),
      ...(q.userId !== undefined ? { userId: q.userId } : {}),
      ...(q.apiKeyId !== undefined ? { apiKeyId: q.apiKeyId } : {}),
      ...(q.from !== undefined ? { from: new Date(q.from) } : {}),
      ...(q.to !== undefined ? { to: new Date(q.to) } : {}),
      ...(beforeId !== undefined ? { beforeId } : {}),
      limit: q.limit,
    });
    const last = items.at(-1);
    const nextCursor = items.length === q.limit && last ? Buffer.from(last.id, 'utf8').toString('base64url') : null;
    return c.json({ items, nextCursor }, 200);
  });
}
