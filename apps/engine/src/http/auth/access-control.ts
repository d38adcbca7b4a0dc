import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { FlowError } from '@flowcraft/schema';
import type { AccessService } from '../../access/access-service.js';
import { auditActor, principalKey } from '../../access/principal.js';
import type { Logger } from '../deps.js';
import { RateLimitedError } from '../problem-response.js';
import { apiKeyMatches } from './api-key.js';
import { CSRF_HEADER, SESSION_COOKIE, presentedToken } from './credentials.js';
import type { LimitClass } from './permissions.js';
import { roleAllows } from './permissions.js';
import { requestContext } from './request-context.js';
import { type Authenticator, resolvePrincipal } from './resolve-principal.js';

/** Shared counters (rate-limiter-flexible); `undefined` → allowed, else seconds until the next point. */
export interface RateLimits {
  consume(limit: Exclude<LimitClass, 'none'>, key: string): Promise<{ retryAfterSeconds: number } | undefined>;
}

export interface AccessControlOptions extends Authenticator {
  rateLimits?: RateLimits;
  /** When set, `GET /metrics` takes this bearer token (and nothing else). */
  metricsToken?: string;
  logger?: Pick<Logger, 'warn'>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Ids an audit entry may copy from a JSON response (never values, bodies or payloads). */
const RESPONSE_IDS = ['id', 'runId', 'threadId', 'workflowId', 'checkpointId', 'version', 'name', 'email', 'role'];

/**
 * The one gate every request passes: who is calling (session cookie, personal key or shared key),
 * whether the permission table lets its role do the operation (401 / 403), the CSRF token on
 * cookie-authenticated writes, the rate limits, and the audit entry after a successful change.
 */
export function accessControl(opts: AccessControlOptions): MiddlewareHandler {
  return async (c, next) => {
    const ctx = requestContext(c);
    if (c.req.method === 'OPTIONS' || ctx === undefined) return next();
    const { rule } = ctx.operation;

    const token = presentedToken(c.req.header('authorization'), c.req.header('x-api-key'));
    if (opts.metricsToken !== undefined && ctx.operation.key === 'GET /metrics') {
      if (!apiKeyMatches(opts.metricsToken, token))
        throw new FlowError('unauthorized', 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>".');
      return next();
    }
    const resolved = await resolvePrincipal(opts, token, getCookie(c, SESSION_COOKIE));
    if (!resolved.ok && rule.access !== 'public') throw new FlowError('unauthorized', resolved.reason);
    const principal = resolved.ok ? resolved.principal : undefined;
    ctx.principal = principal;

    if (rule.access !== 'public') {
      if (principal === undefined)
        throw new FlowError(
          'unauthorized',
          opts.mode === 'users'
            ? 'Sign in (POST /v1/auth/login) or send an API key ("Authorization: Bearer <key>" or "x-api-key").'
            : 'This engine requires an API key: send "Authorization: Bearer <key>" or "x-api-key: <key>".',
        );
      if (!roleAllows(principal.role, rule.access))
        throw new FlowError(
          'forbidden',
          `Your role (${principal.role}) may not do this: ${ctx.operation.key ?? `${c.req.method} ${c.req.path}`} needs ${rule.access === 'admin' ? 'the admin role' : `the "${rule.access}" permission`}.`,
        );
      if (principal.kind === 'user' && !SAFE_METHODS.has(c.req.method)) {
        if (c.req.header(CSRF_HEADER) !== principal.csrfToken)
          throw new FlowError(
            'forbidden',
            `A write signed in by cookie needs the "${CSRF_HEADER}" header (the csrfToken of GET /v1/auth/me).`,
          );
      }
    }

    const limit: LimitClass | undefined = rule.limit ?? (SAFE_METHODS.has(c.req.method) ? undefined : 'write');
    if (opts.rateLimits && limit !== undefined && limit !== 'none') {
      const key = limit === 'login' || principal === undefined ? `ip:${ctx.ip ?? 'unknown'}` : principalKey(principal);
      const refused = await opts.rateLimits.consume(limit, key);
      if (refused) throw new RateLimitedError(limit, refused.retryAfterSeconds);
    }

    await next();

    if (rule.audit && opts.access && c.res.status < 400) await recordAudit(c, opts.access, rule.audit, opts.logger);
  };
}

async function recordAudit(
  c: Context,
  access: AccessService,
  action: string,
  logger: Pick<Logger, 'warn'> | undefined,
): Promise<void> {
  const ctx = requestContext(c);
  if (!ctx) return;
  const target: Record<string, string> = { ...ctx.operation.params };
  if (c.res.headers.get('content-type')?.includes('json')) {
    try {
      const body: unknown = await c.res.clone().json();
      if (body !== null && typeof body === 'object' && !Array.isArray(body))
        for (const key of RESPONSE_IDS) {
          const value: unknown = Reflect.get(body, key);
          if ((typeof value === 'string' && value.length <= 256) || typeof value === 'number')
            target[key] ??= String(value);
        }
    } catch {
      // not JSON after all: the path ids are enough
    }
  }
  await recordEntry(access, ctx, action, target, c.res.status, logger);
}

/** Appends one audit entry; a failure is logged, never turned into a failed request. */
export async function recordEntry(
  access: AccessService,
  ctx: NonNullable<ReturnType<typeof requestContext>>,
  action: string,
  target: Record<string, string>,
  status: number,
  logger?: Pick<Logger, 'warn'>,
): Promise<void> {
  const actor = auditActor(ctx.principal);
  try {
    await access.record({
      actorKind: actor.kind,
      userId: actor.userId,
      email: actor.email,
      apiKeyId: actor.apiKeyId,
      action,
      target,
      ip: ctx.ip,
      requestId: ctx.requestId,
      status,
    });
  } catch (err) {
    logger?.warn('audit entry not recorded', { action, error: err instanceof Error ? err.message : String(err) });
  }
}
