import { describe, expect, it } from 'vitest';
import { createHttpApp } from './app.js';
import { call, createFakeDeps } from './testing/index.js';
import type { FakeDeps } from './testing/index.js';

const KEY = 'test-key-0123456789abcdef';

function problemOf(body: unknown) {
  return body as {
    type: string;
    title: string;
    status: number;
    detail: string;
    code: string;
    instance?: string;
    issues?: unknown[];
  };
}

describe('HTTP app: cross-cutting behaviour', () => {
  it('answers GET /v1/health', async () => {
    const res = await call(createHttpApp(createFakeDeps()), 'GET', '/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: {} });
  });

  it('reports a failing readiness check as 503 degraded', async () => {
    const deps: FakeDeps = { ...createFakeDeps(), health: async () => ({ database: false }) };
    const res = await call(createHttpApp(deps), 'GET', '/v1/health');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'degraded', checks: { database: false } });
  });

  it('serves every node-type description from the registry', async () => {
    const deps = createFakeDeps();
    const res = await call(createHttpApp(deps), 'GET', '/v1/node-types');
    expect(res.status).toBe(200);
    const items = (res.body as { items: { type: string }[] }).items;
    expect(items.map((d) => d.type).sort()).toEqual(
      deps.registry
        .describeAll()
        .map((d) => d.type)
        .sort(),
    );
    expect(items.map((d) => d.type)).toEqual(expect.arrayContaining(['start', 'end', 'llm', 'router']));
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await call(createHttpApp(createFakeDeps()), 'GET', '/v1/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    expect(problemOf(res.body)).toEqual({
      type: 'urn:flowcraft:problem:not_found',
      title: 'Not found',
      status: 404,
      detail: 'There is no route GET /v1/nope.',
      code: 'not_found',
      instance: `urn:flowcraft:request:${res.headers.get('X-Request-Id')}`,
    });
    expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await call(createHttpApp(createFakeDeps()), 'POST', '/v1/workflows', {
      body: '{"document": {',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('Content-Type')).toBe('application/problem+json');
    expect(problemOf(res.body)).toMatchObject({
      code: 'invalid_request',
      status: 400,
      detail: 'Malformed JSON in request body',
    });
  });

  it('answers a body that is not JSON with a 415 problem', async () => {
    const res = await call(createHttpApp(createFakeDeps()), 'POST', '/v1/workflows', {
      body: 'hello',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(res.status).toBe(415);
    expect(problemOf(res.body).code).toBe('unsupported_media_type');
  });

  it('lists every schema violation of a body as issues', async () => {
    const res = await call(createHttpApp(createFakeDeps()), 'POST', '/v1/runs', {
      json: { workflowId: 'bad id!', version: 0, extra: 1 },
    });
    expect(res.status).toBe(400);
    const p = problemOf(res.body);
    expect(p.code).toBe('invalid_request');
    expect(p.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ location: 'body', path: ['workflowId'] }),
        expect.objectContaining({ location: 'body', path: ['version'] }),
        expect.objectContaining({ location: 'body', path: [] }),
      ]),
    );
  });

  it('refuses invalid ids in the path and bad query values', async () => {
    const app = createHttpApp(createFakeDeps());
    const path = await call(app, 'GET', '/v1/runs/..%2Fetc');
    expect(path.status).toBe(400);
    expect(problemOf(path.body).issues).toEqual([expect.objectContaining({ location: 'path', path: ['runId'] })]);
    const query = await call(app, 'GET', '/v1/runs?limit=1000&status=running,sleeping');
    expect(query.status).toBe(400);
    expect(problemOf(query.body).issues?.length).toBe(2);
  });

  describe('body limit', () => {
    const big = JSON.stringify({ document: { name: 'x'.repeat(5000) } });

    it('refuses a body over the limit by its Content-Length with a 413 problem', async () => {
      const app = createHttpApp(createFakeDeps(), { bodyLimitBytes: 2048 });
      const res = await call(app, 'POST', '/v1/workflows', {
        body: big,
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(big.length) },
      });
      expect(res.status).toBe(413);
      expect(problemOf(res.body)).toMatchObject({
        code: 'payload_too_large',
        detail: 'The request body is larger than the limit of 2048 bytes.',
      });
    });

    it('refuses a streamed body over the limit', async () => {
      const app = createHttpApp(createFakeDeps(), { bodyLimitBytes: 2048 });
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode(big.slice(i * 1000, (i + 1) * 1000)));
          controller.close();
        },
      });
      const res = await app.request('/v1/workflows', {
        method: 'POST',
        body: stream,
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        // @ts-expect-error Node's fetch needs duplex for a streamed body
        duplex: 'half',
      });
      expect(res.status).toBe(413);
    });

    it('accepts a body under the limit', async () => {
      const app = createHttpApp(createFakeDeps(), { bodyLimitBytes: 2048 });
      const res = await call(app, 'POST', '/v1/workflows', { json: { document: { name: 'small' } } });
      expect(res.status).toBe(201);
    });
  });

  it('turns an unexpected error into a 500 problem without message or stack, and logs it', async () => {
    const deps = createFakeDeps();
    deps.workflows.get = async () => {
      throw new Error('connection reset by peer at db.internal:5432');
    };
    const res = await call(createHttpApp(deps), 'GET', '/v1/workflows/abc');
    expect(res.status).toBe(500);
    const p = problemOf(res.body);
    expect(p).toMatchObject({
      code: 'internal',
      status: 500,
      detail: 'An unexpected error occurred. It has been logged.',
    });
    expect(JSON.stringify(res.body)).not.toMatch(/db\.internal|at |stack/);
    expect(deps.logger.lines).toEqual([
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ path: '/v1/workflows/abc' }) }),
    ]);
    expect(String(deps.logger.lines[0]?.fields?.['error'])).toContain('connection reset');
  });

  describe('API key', () => {
    const app = () => createHttpApp(createFakeDeps(), { apiKey: KEY });

    it('refuses requests without a key with a 401 problem and a Bearer challenge', async () => {
      const res = await call(app(), 'GET', '/v1/workflows');
      expect(res.status).toBe(401);
      expect(res.headers.get('WWW-Authenticate')).toBe('Bearer');
      expect(problemOf(res.body)).toMatchObject({ code: 'unauthorized', status: 401 });
    });

    it('refuses a wrong key and a non-bearer scheme', async () => {
      expect((await call(app(), 'GET', '/v1/workflows', { headers: { Authorization: `Bearer ${KEY}x` } })).status).toBe(
        401,
      );
      expect((await call(app(), 'GET', '/v1/workflows', { headers: { Authorization: `Basic ${KEY}` } })).status).toBe(
        401,
      );
    });

    it('checks the key before reading the body', async () => {
      const res = await call(app(), 'POST', '/v1/workflows', {
        body: '{oops',
        headers: { 'Content-Type': 'application/json' },
      });
      expect(res.status).toBe(401);
    });

    it('accepts the right key', async () => {
      const res = await call(app(), 'GET', '/v1/workflows', { headers: { Authorization: `Bearer ${KEY}` } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [], nextCursor: null });
    });

    it('keeps health, the OpenAPI document and the reference page public', async () => {
      for (const path of ['/v1/health', '/v1/openapi.json', '/v1/docs']) {
        expect((await call(app(), 'GET', path)).status, path).toBe(200);
      }
    });

    it('is off when no key is configured', async () => {
      expect((await call(createHttpApp(createFakeDeps()), 'GET', '/v1/workflows')).status).toBe(200);
    });
  });

  describe('CORS', () => {
    const app = () => createHttpApp(createFakeDeps(), { corsOrigins: ['http://localhost:5173'], apiKey: KEY });

    it('answers a preflight from an allowed origin without a key', async () => {
      const res = await app().request('/v1/workflows', {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://localhost:5173',
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:5173');
      expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization');
    });

    it('adds the header to error responses too, and omits it for other origins', async () => {
      const allowed = await call(app(), 'GET', '/v1/workflows', { headers: { Origin: 'http://localhost:5173' } });
      expect(allowed.status).toBe(401);
      expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:5173');
      const other = await call(app(), 'GET', '/v1/health', { headers: { Origin: 'http://evil.example' } });
      expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull();
    });

    it('sends no CORS headers when no origin is configured', async () => {
      const res = await call(createHttpApp(createFakeDeps()), 'GET', '/v1/health', {
        headers: { Origin: 'http://localhost:5173' },
      });
      expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    });
  });
});
