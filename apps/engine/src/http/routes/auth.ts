import { createRoute } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { type AuthMode, FlowError, type Me as MeType, ROLE_PERMISSIONS } from '@flowcraft/schema';
import type { AccessService } from '../../access/access-service.js';
import type { Principal } from '../../access/principal.js';
import { csrfTokenFor } from '../../access/tokens.js';
import { recordEntry } from '../auth/access-control.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../auth/credentials.js';
import { isHttps, requestContext } from '../auth/request-context.js';
import type { HttpDeps } from '../deps.js';
import { AuthStatus, ChangePasswordBody, LoginBody, Me, SetupBody } from '../schemas/access.js';
import { jsonBody, jsonResponse, problemResponses, publicProblemResponses } from './openapi-helpers.js';

export interface AuthRouteOptions {
  mode: AuthMode;
  trustProxy: boolean;
  sessionTtlSeconds: number;
}

const status = createRoute({
  operationId: 'getAuthStatus',
  method: 'get',
  path: '/v1/auth/status',
  tags: ['auth'],
  summary: 'How this engine authenticates, and whether the first admin must be set up',
  security: [],
  responses: { 200: jsonResponse(AuthStatus, 'Auth mode'), ...publicProblemResponses() },
});

const login = createRoute({
  operationId: 'login',
  method: 'post',
  path: '/v1/auth/login',
  tags: ['auth'],
  summary: 'Sign in with email and password (sets the session cookie)',
  description:
    'Sets an HTTP-only `SameSite=Lax` session cookie (`Secure` over TLS, also behind a TRUST_PROXY) and a readable `flowcraft_csrf` cookie; writes authenticated by the cookie must send its value as `x-csrf-token`. Rate limited per client address.',
  security: [],
  request: { body: jsonBody(LoginBody) },
  responses: { 200: jsonResponse(Me, 'Signed in'), ...publicProblemResponses(401, 403, 422, 429) },
});

const setup = createRoute({
  operationId: 'setupFirstAdmin',
  method: 'post',
  path: '/v1/auth/setup',
  tags: ['auth'],
  summary: 'Create the first admin (only while no user exists) and sign in',
  security: [],
  request: { body: jsonBody(SetupBody) },
  responses: { 200: jsonResponse(Me, 'Admin created and signed in'), ...publicProblemResponses(409, 422, 429) },
});

const logout = createRoute({
  operationId: 'logout',
  method: 'post',
  path: '/v1/auth/logout',
  tags: ['auth'],
  summary: 'Sign out (ends the session)',
  responses: { 204: { description: 'Signed out' }, ...problemResponses() },
});

const me = createRoute({
  operationId: 'getMe',
  method: 'get',
  path: '/v1/auth/me',
  tags: ['auth'],
  summary: 'The caller: user, role, permissions and CSRF token',
  responses: { 200: jsonResponse(Me, 'The caller'), ...problemResponses() },
});

const password = createRoute({
  operationId: 'changePassword',
  method: 'post',
  path: '/v1/auth/password',
  tags: ['auth'],
  summary: "Change the caller's password (other sessions are signed out)",
  request: { body: jsonBody(ChangePasswordBody) },
  responses: { 204: { description: 'Changed' }, ...problemResponses() },
});

export function accessService(deps: HttpDeps): AccessService {
  if (!deps.access) throw new FlowError('invalid_request', 'Users need AUTH_MODE=users.');
  return deps.access;
}

export function principalOf(c: Context): Principal {
  const principal = requestContext(c)?.principal;
  if (!principal) throw new FlowError('unauthorized', 'Sign in first.');
  return principal;
}

export async function describeCaller(
  mode: AuthMode,
  principal: Principal,
  access: AccessService | undefined,
): Promise<MeType> {
  const user =
    (principal.kind === 'user' || principal.kind === 'apikey') && access
      ? ((await access.user(principal.user.id)) ?? null)
      : null;
  return {
    authMode: mode,
    user,
    apiKey: principal.kind === 'apikey' ? principal.apiKey : null,
    role: principal.role,
    permissions: [...ROLE_PERMISSIONS[principal.role]],
    csrfToken: principal.kind === 'user' ? principal.csrfToken : null,
  };
}

export function registerAuthRoutes(app: OpenAPIHono, deps: HttpDeps, opts: AuthRouteOptions): void {
  const startSession = async (c: Context, token: string) => {
    const secure = isHttps(c, opts.trustProxy);
    const maxAge = opts.sessionTtlSeconds;
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure, path: '/', maxAge });
    setCookie(c, CSRF_COOKIE, csrfTokenFor(token), { httpOnly: false, sameSite: 'Strict', secure, path: '/', maxAge });
    const principal = await accessService(deps).sessionPrincipal(token);
    if (!principal) throw new FlowError('internal', 'The new session was not found.');
    const ctx = requestContext(c);
    if (ctx) ctx.principal = principal;
    return describeCaller(opts.mode, principal, deps.access);
  };

  app.openapi(status, async (c) =>
    c.json(
      {
        authMode: opts.mode,
        setupRequired: opts.mode === 'users' && deps.access ? await deps.access.setupRequired() : false,
      },
      200,
    ),
  );

  app.openapi(login, async (c) => {
    if (opts.mode !== 'users')
      throw new FlowError('invalid_request', 'This engine has no users (AUTH_MODE is not "users").');
    const { email, password: pw } = c.req.valid('json');
    const access = accessService(deps);
    const result = await access.login(email, pw);
    const ctx = requestContext(c);
    if (!result) {
      if (ctx) await recordEntry(access, ctx, 'login.failed', { email }, 401, deps.logger);
      throw new FlowError('unauthorized', 'The email or password is not correct.');
    }
    const body = await startSession(c, result.token);
    if (ctx) await recordEntry(access, ctx, 'login', { userId: result.user.id }, 200, deps.logger);
    return c.json(body, 200);
  });

  app.openapi(setup, async (c) => {
    if (opts.mode !== 'users')
      throw new FlowError('invalid_request', 'This engine has no users (AUTH_MODE is not "users").');
    const { email, password: pw } = c.req.valid('json');
    const access = accessService(deps);
    await access.setup(email, pw);
    const result = await access.login(email, pw);
    if (!result) throw new FlowError('internal', 'The new admin could not sign in.');
    return c.json(await startSession(c, result.token), 200);
  });

  app.openapi(logout, async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token && deps.access) await deps.access.logout(token);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    deleteCookie(c, CSRF_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.openapi(me, async (c) => c.json(await describeCaller(opts.mode, principalOf(c), deps.access), 200));

  app.openapi(password, async (c) => {
    const body = c.req.valid('json');
    await accessService(deps).changePassword(principalOf(c), body.currentPassword, body.newPassword);
    return c.body(null, 204);
  });
}
