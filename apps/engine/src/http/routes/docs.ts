import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { type AuthMode, FlowError, Role, TraceEvent, WorkflowDocument } from '@flowcraft/schema';
import { OPERATIONS, UNLISTED, roleAllows } from '../auth/permissions.js';
import { jsonResponse, publicProblemResponses } from './openapi-helpers.js';

/** Swagger UI files served from the installed `swagger-ui-dist` package (no CDN). */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Flowcraft engine API</title>
  <link rel="icon" href="/v1/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/v1/docs/assets/swagger-ui.css">
</head>
<body>
  <noscript>The interactive reference needs JavaScript. The OpenAPI document is at <a href="/v1/openapi.json">/v1/openapi.json</a>.</noscript>
  <div id="swagger-ui"></div>
  <script src="/v1/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '/v1/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true, tryItOutEnabled: true });
  </script>
</body>
</html>
`;

export interface DocsOptions {
  /** Declares the security schemes of the mode (none: no credentials on loopback). */
  authMode: AuthMode;
}

/**
 * No license has been chosen for the project yet; `UNLICENSED` (npm's word for "no licence granted")
 * says so honestly. Replace it when the project picks one.
 */
const LICENSE = { name: 'UNLICENSED' };

/**
 * The OpenAPI 3.1 document of every route registered on `app`, generated from the zod schemas.
 * Security is declared at the root (bearer with an API key; none on a key-less loopback engine)
 * and lifted (`security: []`) on the public operations (health, this document); `servers` is the
 * engine that serves it.
 */
export function buildOpenApiDocument(app: OpenAPIHono, opts: DocsOptions) {
  const registry = app.openAPIRegistry;
  const secured = opts.authMode !== 'none';
  if (secured) {
    registry.registerComponent('securitySchemes', 'bearerAuth', {
      type: 'http',
      scheme: 'bearer',
      description:
        opts.authMode === 'users' ? 'A personal API key (POST /v1/api-keys) or the API_KEY.' : "The engine's API_KEY.",
    });
    registry.registerComponent('securitySchemes', 'apiKeyHeader', { type: 'apiKey', in: 'header', name: 'x-api-key' });
    if (opts.authMode === 'users')
      registry.registerComponent('securitySchemes', 'sessionCookie', {
        type: 'apiKey',
        in: 'cookie',
        name: 'flowcraft_session',
        description: 'Set by POST /v1/auth/login; writes also need the `x-csrf-token` header.',
      });
  }
  // Shapes that routes carry as open JSON, described for clients.
  registry.register('WorkflowDocument', WorkflowDocument.clone());
  registry.register('TraceEvent', TraceEvent.clone());
  const document = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Flowcraft engine API',
      version: '1',
      license: LICENSE,
      description:
        'Workflows, runs, threads and node types of a Flowcraft engine. Errors are `application/problem+json` with a stable `code`. ' +
        'Live trace events (`TraceEvent`) stream over Socket.IO on the same port: emit `subscribe` with `{runId, afterSeq}`. ' +
        (secured
          ? 'Operations need credentials (`Authorization: Bearer <key>`, `x-api-key`' +
            (opts.authMode === 'users' ? ', or the session cookie with `x-csrf-token` on writes' : '') +
            '); `x-flowcraft-permission` on each operation names the permission it needs, `x-flowcraft-roles` the roles holding it.'
          : 'This engine has no API key: it answers only on loopback host names (and ALLOWED_HOSTS) and refuses writes from foreign web origins.'),
    },
    servers: [{ url: '/', description: 'The engine serving this document' }],
    security: !secured
      ? [{}]
      : opts.authMode === 'users'
        ? [{ bearerAuth: [] }, { apiKeyHeader: [] }, { sessionCookie: [] }]
        : [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    tags: [
      { name: 'workflows', description: 'Workflow documents and their immutable versions' },
      { name: 'runs', description: 'Runs execute in the background; follow them over Socket.IO' },
      { name: 'threads', description: 'Checkpointed state, history and time travel' },
      { name: 'node types', description: 'The palette: built-in and custom node types' },
      { name: 'system', description: 'Health, readiness, metrics and this document' },
      { name: 'auth', description: 'Sign in, sign out, the caller' },
      { name: 'users', description: 'Users and roles (admin)' },
      { name: 'api keys', description: 'Personal API keys' },
      { name: 'audit', description: 'Who did what (admin)' },
    ],
  });
  annotatePermissions(document);
  return document;
}

type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

/** States each operation's required permission (from the one permission table) and the roles holding it. */
function annotatePermissions(document: OpenApiDocument): void {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item?.[method];
      if (!operation) continue;
      const rule = OPERATIONS[`${method.toUpperCase()} ${path}`] ?? UNLISTED;
      Object.assign(operation, {
        'x-flowcraft-permission': rule.access,
        'x-flowcraft-roles': Role.options.filter((role) => rule.access === 'public' || roleAllows(role, rule.access)),
      });
    }
  }
}

const openApiRoute = createRoute({
  operationId: 'getOpenApiDocument',
  method: 'get',
  path: '/v1/openapi.json',
  tags: ['system'],
  summary: 'This OpenAPI document',
  security: [],
  responses: {
    200: jsonResponse(z.record(z.string(), z.unknown()).openapi('OpenApiDocument'), 'The OpenAPI 3.1 document'),
    ...publicProblemResponses(),
  },
});

/** `GET /v1/openapi.json`, `GET /v1/docs` (Swagger UI) and its assets. Call after every other route. */
export function registerDocsRoutes(app: OpenAPIHono, opts: DocsOptions): void {
  let documentJson: string | undefined;
  const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const assets = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

  app.openapi(openApiRoute, (c) => {
    documentJson ??= JSON.stringify(buildOpenApiDocument(app, opts));
    return c.body(documentJson, 200, { 'Content-Type': 'application/json' });
  });

  app.get('/v1/docs', (c) => c.html(PAGE));

  app.get('/v1/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = ASSETS[file];
    if (!type) throw new FlowError('not_found', `No documentation asset "${file}".`);
    let body = assets.get(file);
    if (!body) {
      body = readFile(join(assetDir, file)).then((buffer) => new Uint8Array(buffer));
      assets.set(file, body);
    }
    return c.body(await body, 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });
}
