import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { FlowError, TraceEvent, WorkflowDocument } from '@flowcraft/schema';

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
  /** Adds the bearer security requirement to the document. */
  apiKey: boolean;
}

/** The OpenAPI 3.1 document of every route registered on `app`, generated from the zod schemas. */
export function buildOpenApiDocument(app: OpenAPIHono, opts: DocsOptions) {
  const registry = app.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: "The engine's API_KEY. Required when the engine was started with one.",
  });
  // Shapes that routes carry as open JSON, described for clients.
  registry.register('WorkflowDocument', WorkflowDocument.clone());
  registry.register('TraceEvent', TraceEvent.clone());
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Flowcraft engine API',
      version: '1',
      description:
        'Workflows, runs, threads and node types of a Flowcraft engine. Errors are `application/problem+json` with a stable `code`. ' +
        'Live trace events (`TraceEvent`) stream over Socket.IO on the same port: emit `subscribe` with `{runId, afterSeq}`.',
    },
    ...(opts.apiKey ? { security: [{ bearerAuth: [] }] } : {}),
    tags: [
      { name: 'workflows', description: 'Workflow documents and their immutable versions' },
      { name: 'runs', description: 'Runs execute in the background; follow them over Socket.IO' },
      { name: 'threads', description: 'Checkpointed state, history and time travel' },
      { name: 'node types', description: 'The palette: built-in and custom node types' },
      { name: 'system', description: 'Health' },
    ],
  });
}

/** `GET /v1/openapi.json`, `GET /v1/docs` (Swagger UI) and its assets. Call after every other route. */
export function registerDocsRoutes(app: OpenAPIHono, opts: DocsOptions): void {
  let documentJson: string | undefined;
  const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const assets = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

  app.get('/v1/openapi.json', (c) => {
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
