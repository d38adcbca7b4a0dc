import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createHttpApp } from '../app.js';
import { call, createFakeDeps } from '../testing/index.js';

interface OpenApiDoc {
  openapi: string;
  info: { title: string; license?: unknown };
  security?: unknown[];
  servers?: unknown[];
  paths: Record<
    string,
    Record<
      string,
      { operationId?: string; responses: Record<string, { content?: Record<string, unknown> }>; security?: unknown[] }
    >
  >;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

const EXPECTED_OPERATIONS = [
  'get /v1/health',
  'get /v1/openapi.json',
  'get /v1/node-types',
  'post /v1/workflows',
  'get /v1/workflows',
  'get /v1/workflows/{workflowId}',
  'put /v1/workflows/{workflowId}',
  'delete /v1/workflows/{workflowId}',
  'post /v1/workflows/validate',
  'get /v1/workflows/{workflowId}/versions',
  'get /v1/workflows/{workflowId}/versions/{version}',
  'post /v1/workflows/import',
  'get /v1/workflows/{workflowId}/export',
  'post /v1/runs',
  'get /v1/runs',
  'get /v1/runs/{runId}',
  'post /v1/runs/{runId}/cancel',
  'post /v1/runs/{runId}/resume',
  'get /v1/threads/{threadId}/state',
  'get /v1/threads/{threadId}/history',
  'get /v1/threads/{threadId}/state/{checkpointId}',
  'get /v1/templates',
  'get /v1/models',
  'get /v1/secrets',
  'put /v1/secrets/{name}',
  'delete /v1/secrets/{name}',
  'get /v1/mcp/servers',
  'get /v1/mcp/tools',
  'get /v1/usage',
  'post /v1/runs/{runId}/step',
  'post /v1/runs/{runId}/continue',
  'get /v1/runs/{runId}/events',
  'get /v1/runs/{runId}/compare/{otherRunId}',
  'post /v1/threads/{threadId}/state',
  'get /v1/threads/{threadId}/state/{checkpointId}/diff',
  'post /v1/threads/{threadId}/rerun',
  'get /v1/ready',
  'get /metrics',
  'get /v1/auth/status',
  'post /v1/auth/login',
  'post /v1/auth/setup',
  'post /v1/auth/logout',
  'get /v1/auth/me',
  'post /v1/auth/password',
  'get /v1/users',
  'post /v1/users',
  'get /v1/users/{userId}',
  'patch /v1/users/{userId}',
  'delete /v1/users/{userId}',
  'get /v1/api-keys',
  'post /v1/api-keys',
  'delete /v1/api-keys/{keyId}',
  'get /v1/audit',
  'get /v1/queue',
  'get /v1/memory/namespaces',
  'get /v1/memory/items',
  'delete /v1/memory/items',
  'get /v1/memory/item',
  'delete /v1/memory/item',
  'get /v1/knowledge',
  'post /v1/knowledge',
  'get /v1/knowledge/{kbId}',
  'delete /v1/knowledge/{kbId}',
  'post /v1/knowledge/{kbId}/documents',
  'get /v1/knowledge/{kbId}/documents/{docId}',
  'delete /v1/knowledge/{kbId}/documents/{docId}',
  'post /v1/knowledge/{kbId}/query',
  'post /v1/knowledge/{kbId}/reindex',
  'post /v1/datasets',
  'get /v1/datasets',
  'get /v1/datasets/{datasetId}',
  'put /v1/datasets/{datasetId}',
  'delete /v1/datasets/{datasetId}',
  'get /v1/datasets/{datasetId}/cases',
  'post /v1/datasets/{datasetId}/cases',
  'post /v1/datasets/{datasetId}/cases/from-run',
  'post /v1/datasets/{datasetId}/import',
  'get /v1/datasets/{datasetId}/export',
  'get /v1/datasets/{datasetId}/cases/{caseId}',
  'put /v1/datasets/{datasetId}/cases/{caseId}',
  'delete /v1/datasets/{datasetId}/cases/{caseId}',
  'post /v1/evaluations',
  'get /v1/evaluations',
  'get /v1/evaluations/compare',
  'get /v1/evaluations/{experimentId}',
  'post /v1/evaluations/{experimentId}/cases/{caseId}/rerun',
];

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
}

/** `redocly lint --extends recommended` on a file, through the installed CLI (JSON output). */
async function redoclyLint(file: string): Promise<LintProblem[]> {
  const cli = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
  const run = promisify(execFile);
  const { stdout } = await run(process.execPath, [cli, 'lint', '--extends', 'recommended', '--format', 'json', file], {
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  return (JSON.parse(stdout) as { problems: LintProblem[] }).problems;
}

async function fetchDoc(apiKey?: string): Promise<OpenApiDoc> {
  const res = await call(createHttpApp(createFakeDeps(), apiKey ? { apiKey } : {}), 'GET', '/v1/openapi.json');
  expect(res.status).toBe(200);
  return res.body as OpenApiDoc;
}

describe('OpenAPI document and reference page', () => {
  it('describes every route as OpenAPI 3.1, generated from the zod schemas', async () => {
    const doc = await fetchDoc();
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    );
    expect(operations.sort()).toEqual([...EXPECTED_OPERATIONS].sort());
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Workflow',
        'WorkflowDocument',
        'Run',
        'ThreadState',
        'ProblemDetails',
        'Problem',
        'NodeTypeDescription',
        'TraceEvent',
      ]),
    );
    const startRun = doc.paths['/v1/runs']?.['post'];
    expect(startRun?.responses['202']?.content).toHaveProperty('application/json');
    expect(startRun?.responses['422']?.content).toHaveProperty('application/problem+json');
    expect(doc.security).toEqual([{}]);
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    expect(doc.info.license).toEqual({ name: expect.any(String) });
  });

  it('names every operation with a unique operationId', async () => {
    const doc = await fetchDoc();
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids).toHaveLength(EXPECTED_OPERATIONS.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('passes `redocly lint` with its recommended rules, with and without an API key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openapi-lint-'));
    try {
      for (const apiKey of [undefined, 'a-key-of-sixteen-chars']) {
        const file = join(dir, `openapi-${apiKey ? 'key' : 'keyless'}.json`);
        await writeFile(file, JSON.stringify(await fetchDoc(apiKey)));
        const problems = await redoclyLint(file);
        expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    for (const apiKey of [undefined, 'a-key-of-sixteen-chars']) {
      const validator = new Validator();
      const result = await validator.validate(
        JSON.parse(JSON.stringify(await fetchDoc(apiKey))) as Record<string, unknown>,
      );
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      expect(validator.version).toBe('3.1');
      expect(() => validator.resolveRefs()).not.toThrow();
    }
  });

  it('requires the bearer scheme when an API key is configured, except on health', async () => {
    const doc = await fetchDoc('a-key-of-sixteen-chars');
    expect(doc.components.securitySchemes).toHaveProperty(
      'bearerAuth',
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(doc.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    expect(doc.paths['/v1/health']?.['get']?.security).toEqual([]);
    expect(doc.paths['/v1/openapi.json']?.['get']?.security).toEqual([]);
  });

  it('serves an interactive reference page whose assets come from this server, not a CDN', async () => {
    const app = createHttpApp(createFakeDeps());
    const page = await call(app, 'GET', '/v1/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toContain('text/html');
    const html = String(page.body);
    expect(html).toContain("url: '/v1/openapi.json'");
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const src of sources) expect(src).toMatch(/^\/v1\//);

    const js = await app.request('/v1/docs/assets/swagger-ui-bundle.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('Content-Type')).toContain('javascript');
    expect((await js.text()).length).toBeGreaterThan(100_000);
    const css = await app.request('/v1/docs/assets/swagger-ui.css');
    expect(css.headers.get('Content-Type')).toContain('text/css');
  });

  it('serves only the listed assets', async () => {
    const app = createHttpApp(createFakeDeps());
    for (const path of [
      '/v1/docs/assets/package.json',
      '/v1/docs/assets/..%2F..%2Fpackage.json',
      '/v1/docs/assets/index.js',
    ]) {
      const res = await call(app, 'GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body).toMatchObject({ code: 'not_found' });
    }
  });
});
