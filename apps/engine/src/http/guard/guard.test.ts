import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../app.js';
import { call, createFakeDeps } from '../testing/index.js';
import { hostAllowed, originAllowed } from './host-origin.js';
import { findValueIssue } from './json-limits.js';

const KEY = 'test-key-0123456789abcdef';
const limits = { maxDepth: 128, maxStringLength: 1000 };

function nested(depth: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
  return value;
}

interface Problem {
  status: number;
  code: string;
  detail: string;
  issues?: { location: string; path: (string | number)[]; message: string }[];
}

describe('findValueIssue', () => {
  it('accepts ordinary JSON and values exactly at the depth limit', () => {
    expect(findValueIssue({ a: [1, 'x', null, true, { b: '😀' }] }, limits)).toBeUndefined();
    expect(findValueIssue(nested(128), limits)).toBeUndefined();
  });

  it('refuses one level too deep and 10,000 levels, with the path', () => {
    const issue = findValueIssue(nested(129), limits);
    expect(issue?.message).toMatch(/deeper than the limit of 128/);
    expect(issue?.path).toHaveLength(128);
    expect(findValueIssue(nested(10_000), limits)?.path).toHaveLength(128);
  });

  it('names the path of NUL, lone surrogates, long strings, bad keys and infinite numbers', () => {
    expect(findValueIssue({ a: [0, 'x\u0000'] }, limits)).toEqual({
      path: ['a', 1],
      message: expect.stringMatching(/NUL/),
    });
    expect(findValueIssue({ a: { b: '\uD83D' } }, limits)?.path).toEqual(['a', 'b']);
    expect(findValueIssue({ a: '\uDE00x' }, limits)?.message).toMatch(/unpaired/);
    expect(findValueIssue({ s: 'x'.repeat(1001) }, limits)?.message).toMatch(/1001 characters long; the limit is 1000/);
    expect(findValueIssue({ ok: { 'bad\u0000key': 1 } }, limits)?.path).toEqual(['ok', 'bad\u0000key']);
    expect(findValueIssue({ n: [Number.POSITIVE_INFINITY] }, limits)?.path).toEqual(['n', 0]);
  });
});

describe('refusing unacceptable input at the edge', () => {
  const app = () => createHttpApp(createFakeDeps(), { jsonLimits: limits });

  it('answers 422 problem+json with the JSON path for a 10,000-deep run input', async () => {
    const body = `{"workflowId":"w","input":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    const res = await call(app(), 'POST', '/v1/runs', { body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const p = res.body as Problem;
    expect(p.code).toBe('invalid_input');
    expect(p.issues?.[0]?.location).toBe('body');
    expect(p.issues?.[0]?.path.slice(0, 3)).toEqual(['input', 'x', 0]);
  });

  it('refuses NUL and lone surrogates in bodies (as escapes), path and query parameters', async () => {
    const nul = await call(app(), 'POST', '/v1/workflows', { json: { document: { name: 'a\u0000b' } } });
    expect(nul.status).toBe(422);
    expect((nul.body as Problem).issues?.[0]?.path).toEqual(['document', 'name']);
    const surrogate = await call(app(), 'PUT', '/v1/workflows/w', {
      body: '{"document":{"name":"\\ud800"}}',
      headers: { 'content-type': 'application/json' },
    });
    expect((surrogate.body as Problem).issues?.[0]).toMatchObject({ location: 'body', path: ['document', 'name'] });
    const inPath = await call(app(), 'GET', '/v1/runs/abc%00def');
    expect(inPath.status).toBe(422);
    expect((inPath.body as Problem).issues?.[0]?.location).toBe('path');
    const inQuery = await call(app(), 'GET', '/v1/workflows?q=%00');
    expect(inQuery.status).toBe(422);
    expect((inQuery.body as Problem).issues?.[0]).toMatchObject({ location: 'query', path: ['q'] });
  });

  it('answers 400 for malformed percent-encoding and cursors the API never issued', async () => {
    for (const path of ['/v1/threads/t/history?cursor=%ff%ff', '/v1/runs?cursor=%ff', '/v1/runs/%ff']) {
      const res = await call(app(), 'GET', path);
      expect(res.status, path).toBe(400);
      expect((res.body as Problem).code).toBe('invalid_request');
    }
    const foreign = await call(app(), 'GET', '/v1/workflows?cursor=not%20a%20cursor');
    expect(foreign.status).toBe(400);
    expect((foreign.body as Problem).issues?.[0]).toMatchObject({ location: 'query', path: ['cursor'] });
  });

  it('refuses integers beyond the int4 columns', async () => {
    const deps = createFakeDeps();
    const res = await call(createHttpApp(deps), 'GET', '/v1/workflows/w/versions/2147483648');
    expect(res.status).toBe(400);
    const start = await call(createHttpApp(deps), 'POST', '/v1/runs', { json: { workflowId: 'w', version: 2 ** 31 } });
    expect(start.status).toBe(400);
    expect((start.body as Problem).issues?.[0]?.path).toEqual(['version']);
  });

  it('leaves malformed JSON to the validator (400)', async () => {
    const res = await call(app(), 'POST', '/v1/runs', {
      body: '{"a":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
  });
});

describe('Host and Origin on a key-less engine', () => {
  const policy = { allowedHosts: ['flow.internal'], corsOrigins: ['https://editor.example'] };

  it('knows loopback and allowed host names, with or without a port', () => {
    for (const host of [
      'localhost',
      'LOCALHOST:4000',
      '127.0.0.1',
      '127.3.4.5:80',
      '[::1]',
      '[::1]:4000',
      'flow.internal:8080',
    ])
      expect(hostAllowed(host, policy), host).toBe(true);
    for (const host of ['attacker.example:4000', 'localhost.attacker.example', '[::2]', '', 'localhost:99x', undefined])
      expect(hostAllowed(host, policy), String(host)).toBe(false);
  });

  it('allows local, allowed and CORS origins only', () => {
    expect(originAllowed('http://localhost:5173', policy)).toBe(true);
    expect(originAllowed('https://editor.example', policy)).toBe(true);
    expect(originAllowed('http://flow.internal', policy)).toBe(true);
    expect(originAllowed('https://attacker.example', policy)).toBe(false);
    expect(originAllowed('null', policy)).toBe(false);
    expect(originAllowed('file://localhost', policy)).toBe(false);
  });

  it('answers 421 to a foreign Host and 403 to a write from a foreign Origin', async () => {
    const deps = createFakeDeps();
    const app = createHttpApp(deps);
    const rebound = await call(app, 'GET', '/v1/workflows', { headers: { host: 'attacker.example:4000' } });
    expect(rebound.status).toBe(421);
    expect(rebound.headers.get('content-type')).toBe('application/problem+json');
    expect((rebound.body as Problem).code).toBe('misdirected_request');
    const start = await call(app, 'POST', '/v1/runs', {
      json: { workflowId: 'w' },
      headers: { host: 'attacker.example:4000' },
    });
    expect(start.status).toBe(421);
    expect(deps.runs.calls).toHaveLength(0);

    const csrf = await call(app, 'POST', '/v1/runs', {
      json: { workflowId: 'w' },
      headers: { host: '127.0.0.1:4000', origin: 'https://attacker.example' },
    });
    expect(csrf.status).toBe(403);
    expect((csrf.body as Problem).code).toBe('forbidden');
    expect(deps.runs.calls).toHaveLength(0);

    const read = await call(app, 'GET', '/v1/workflows', {
      headers: { host: 'localhost:4000', origin: 'https://attacker.example' },
    });
    expect(read.status).toBe(200);
    const local = await call(app, 'GET', '/v1/workflows', { headers: { host: '[::1]:4000' } });
    expect(local.status).toBe(200);
  });

  it('lets ALLOWED_HOSTS through and does not check hosts when an API key is required', async () => {
    const allowed = createHttpApp(createFakeDeps(), { allowedHosts: ['flow.internal'] });
    expect((await call(allowed, 'GET', '/v1/workflows', { headers: { host: 'flow.internal' } })).status).toBe(200);
    const keyed = createHttpApp(createFakeDeps(), { apiKey: KEY });
    const res = await call(keyed, 'GET', '/v1/workflows', {
      headers: { host: 'flow.example.com', authorization: `Bearer ${KEY}` },
    });
    expect(res.status).toBe(200);
  });
});
