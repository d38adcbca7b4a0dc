import { OpenAPIHono } from '@hono/zod-openapi';
import type { OpenAPIHonoOptions } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { storageErrorCode, storageErrorMessage } from '@flowcraft/schema';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requireApiKey } from './auth/require-api-key.js';
import type { HttpDeps, HttpOptions, Logger } from './deps.js';
import { RequestValidationError, mapError, problem, problemResponse, requestIssues } from './problem-response.js';
import type { RequestIssue } from './schemas/problem.js';
import { serveEditor } from './editor-static.js';
import { guardHostAndOrigin } from './guard/host-origin.js';
import { DEFAULT_JSON_LIMITS } from './guard/json-limits.js';
import { refuseUnacceptableInput } from './guard/refuse-unacceptable-input.js';
import { registerDatasetRoutes } from './routes/datasets.js';
import { registerDebugRoutes } from './routes/debug.js';
import { registerEvaluationRoutes } from './routes/evaluations.js';
import { registerDocsRoutes } from './routes/docs.js';
import { registerMcpRoutes } from './routes/mcp.js';
import { registerModelRoutes } from './routes/models.js';
import { registerSecretRoutes } from './routes/secrets.js';
import { registerUsageRoutes } from './routes/usage.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerSystemRoutes } from './routes/system.js';
import { registerTemplateRoutes } from './routes/templates.js';
import { registerThreadRoutes } from './routes/threads.js';
import { registerWorkflowRoutes } from './routes/workflows.js';
import { registerWorkflowVersionRoutes } from './routes/workflow-versions.js';

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
    return problemResponse({ ...mapped.problem, instance: c.req.path }, mapped.headers);
  });

  app.notFound((c) =>
    problemResponse(problem('not_found', `There is no route ${c.req.method} ${c.req.path}.`, { instance: c.req.path })),
  );

  // Key-less: only loopback or allowed host names, and no writes from foreign web pages (DNS rebinding, CSRF).
  if (!options.apiKey)
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
        allowHeaders: ['Authorization', 'Content-Type'],
        allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
        exposeHeaders: ['Location', 'Content-Disposition'],
        maxAge: 600,
      }),
    );
  }
  if (options.apiKey) app.use('*', requireApiKey(options.apiKey));
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
  registerDebugRoutes(app, deps);
  registerDatasetRoutes(app, deps);
  registerEvaluationRoutes(app, deps);
  registerDocsRoutes(app, { apiKey: options.apiKey !== undefined });
  if (options.editorDir) serveEditor(app, options.editorDir);
  return app;
}
