import { OpenAPIHono } from '@hono/zod-openapi';
import type { OpenAPIHonoOptions } from '@hono/zod-openapi';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { storageErrorCode, storageErrorMessage, unavailableCode } from '@flowcraft/schema';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { registerAgentServer } from '../agent-server/index.js';
import { registerMcpServer } from '../mcp-server/index.js';
import { secureHeaders } from 'hono/secure-headers';
import { accessControl } from './auth/access-control.js';
import { observeRequests } from './auth/observe.js';
import { matchOperation } from './auth/permissions.js';
import { requestContext } from './auth/request-context.js';
import type { HttpDeps, HttpOptions, Logger } from './deps.js';
import { RequestValidationError, mapError, problem, problemResponse, requestIssues } from './problem-response.js';
import type { RequestIssue } from './schemas/problem.js';
import { serveEditor } from './editor-static.js';
import { guardHostAndOrigin } from './guard/host-origin.js';
import { DEFAULT_JSON_LIMITS } from './guard/json-limits.js';
import { refuseUnacceptableInput } from './guard/refuse-unacceptable-input.js';
import { registerDatasetRoutes } from './routes/datasets.js';
import { registerDebugRoutes } from './routes/debug.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerEvaluationRoutes } from './routes/evaluations.js';
import { registerDocsRoutes } from './routes/docs.js';
import { registerUserRoutes } from './routes/users.js';
import { registerKnowledgeRoutes } from './routes/knowledge.js';
import { registerMcpRoutes } from './routes/mcp.js';
import { registerMemoryRoutes } from './routes/memory.js';
import { registerModelRoutes } from './routes/models.js';
import { registerSecretRoutes } from './routes/secrets.js';
import { registerUsageRoutes } from './routes/usage.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerSystemRoutes } from './routes/system.js';
import { registerTemplateRoutes } from './routes/templates.js';
import { registerThreadRoutes } from './routes/threads.js';
import { registerWorkflowRoutes } from './routes/workflows.js';
import { registerWorkflowVersionRoutes } from './routes/workflow-versions.js';

/** problem+json `instance`: this request's id (also in the `X-Request-Id` header and the logs). */
function instanceOf(c: Context): string {
  const id = requestContext(c)?.requestId;
  return id === undefined ? c.req.path : `urn:flowcraft:request:${id}`;
}

/**
 * The editor's Content-Security-Policy: scripts only from the engine (no inline, no eval: Monaco runs
 * without it, checked in `test/e2e/security-headers.e2e.test.ts`), workers from blob: (Monaco),
 * inline styles (React Flow and Monaco set style attributes), no framing.
 */
export const EDITOR_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** nosniff, no-referrer leaks, no framing everywhere; the CSP on the editor's pages (Swagger UI at /v1/docs has inline script). */
function securityHeaders(): MiddlewareHandler {
  const base = secureHeaders({
    contentSecurityPolicy: undefined,
    referrerPolicy: 'strict-origin-when-cross-origin',
    xFrameOptions: 'DENY',
    crossOriginResourcePolicy: false,
    crossOriginOpenerPolicy: 'same-origin',
    strictTransportSecurity: false,
    originAgentCluster: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  return async (c, next) => {
    await base(c, async () => {
      await next();
      const path = c.req.path;
      if (path !== '/v1' && !path.startsWith('/v1/') && c.res.headers.get('content-type')?.includes('text/html'))
        c.res.headers.set('Content-Security-Policy', EDITOR_CSP);
    });
  };
}

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

const LOCATIONS: Record<string, RequestIssue['location']> = {
  json: 'body',
  form: 'body',
  param: 'path',
  query: 'query',
  header: 'header',
};

/** Every failed body, path or query validation becomes one 400 with all its issues. */
const validationHook: NonNullable<OpenAPIHonoOptions<Env>['defaultHook']> = (result) => {
  if (!result.success)
    throw new RequestValidationError(requestIssues(LOCATIONS[result.target] ?? 'body', result.error.issues));
  return undefined;
};

const consoleLogger: Logger = {
  error: (message, fields) => console.error(message, fields ?? ''),
  warn: (message, fields) => console.warn(message, fields ?? ''),
  info: (message, fields) => console.info(message, fields ?? ''),
  debug: () => undefined,
};

/**
 * The engine's HTTP API under `/v1`: workflows, runs, threads, node types, health, the OpenAPI
 * document (`/v1/openapi.json`) and its reference page (`/v1/docs`). Test it with `app.request()`.
 */
export function createHttpApp(deps: HttpDeps, options: HttpOptions = {}): OpenAPIHono {
  const logger = deps.logger ?? consoleLogger;
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const app = new OpenAPIHono({ defaultHook: validationHook });

  app.onError((err, c) => {
    const mapped = mapError(err);
    if (mapped.problem.code === 'unavailable')
      logger.warn('database unreachable', { method: c.req.method, path: c.req.path, code: unavailableCode(err) });
    if (mapped.unexpected) {
      const where = { method: c.req.method, path: c.req.path };
      const full = err instanceof Error ? (err.stack ?? err.message) : String(err);
      // A database error's text holds the SQL and its parameters (user data): only its SQLSTATE above debug level.
      const sqlstate = storageErrorCode(err);
      if (sqlstate === undefined) logger.error('unexpected error in HTTP handler', { ...where, error: full });
      else {
        logger.error('storage error in HTTP handler', { ...where, error: storageErrorMessage(sqlstate), sqlstate });
        logger.debug('storage error in HTTP handler (full text)', { ...where, error: full });
      }
    }
    return problemResponse({ ...mapped.problem, instance: instanceOf(c) }, mapped.headers);
  });

  app.notFound((c) =>
    problemResponse(
      problem('not_found', `There is no route ${c.req.method} ${c.req.path}.`, { instance: instanceOf(c) }),
    ),
  );

  const authMode = options.authMode ?? (options.apiKey ? 'apikey' : 'none');
  const trustProxy = options.trustProxy ?? false;
  app.use(
    '*',
    observeRequests({ match: matchOperation, trustProxy, ...(deps.metrics ? { metrics: deps.metrics } : {}) }),
  );
  if (options.securityHeaders !== false) app.use('*', securityHeaders());

  // Key-less: only loopback or allowed host names, and no writes from foreign web pages (DNS rebinding, CSRF).
  if (authMode === 'none')
    app.use(
      '*',
      guardHostAndOrigin({ allowedHosts: options.allowedHosts ?? [], corsOrigins: options.corsOrigins ?? [] }),
    );
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    const origins = [...options.corsOrigins];
    app.use(
      '*',
      cors({
        origin: origins.includes('*') ? '*' : origins,
        allowHeaders: [
          'Authorization',
          'Content-Type',
          'x-api-key',
          'x-csrf-token',
          'Last-Event-ID',
          'mcp-session-id',
          'mcp-protocol-version',
        ],
        allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        exposeHeaders: [
          'Location',
          'Content-Location',
          'Content-Disposition',
          'X-Pagination-Next',
          'X-Request-Id',
          'Retry-After',
          'mcp-session-id',
        ],
        maxAge: 600,
      }),
    );
  }
  app.use(
    '*',
    accessControl({
      mode: authMode,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      ...(deps.access ? { access: deps.access } : {}),
      ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
      ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
      logger,
    }),
  );
  app.use(
    '*',
    bodyLimit({
      maxSize: limit,
      onError: () => {
        throw new HTTPException(413, { message: `The request body is larger than the limit of ${limit} bytes.` });
      },
    }),
  );

  app.use('*', refuseUnacceptableInput(options.jsonLimits ?? DEFAULT_JSON_LIMITS));

  registerSystemRoutes(app, deps);
  registerWorkflowRoutes(app, deps);
  registerWorkflowVersionRoutes(app, deps);
  registerRunRoutes(app, deps);
  registerThreadRoutes(app, deps);
  registerTemplateRoutes(app, deps);
  registerModelRoutes(app, deps);
  registerSecretRoutes(app, deps);
  registerMcpRoutes(app, deps);
  registerUsageRoutes(app, deps);
  registerMemoryRoutes(app, deps);
  registerKnowledgeRoutes(app, deps);
  registerDebugRoutes(app, deps);
  registerAuthRoutes(app, deps, {
    mode: authMode,
    trustProxy,
    sessionTtlSeconds: options.sessionTtlSeconds ?? 7 * 24 * 3600,
  });
  registerUserRoutes(app, deps);
  registerDatasetRoutes(app, deps);
  registerEvaluationRoutes(app, deps);
  registerDocsRoutes(app, { authMode });
  // The LangGraph Agent Server API and the MCP server at the root, before the editor's SPA fallback.
  registerAgentServer(app, deps, { version: '0.1.0' });
  registerMcpServer(app, deps);
  if (options.editorDir) serveEditor(app, options.editorDir);
  return app;
}
