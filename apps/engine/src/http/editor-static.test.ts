import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './app.js';
import { createFakeDeps } from './testing/index.js';

function editorBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fc-editor-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Flowcraft</title><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), `console.log(${JSON.stringify('x'.repeat(4000))});`);
  return dir;
}

describe('serving the built editor', () => {
  const app = createHttpApp(createFakeDeps(), { editorDir: editorBuild(), apiKey: 'k'.repeat(32) });

  it('serves index.html at / without the API key; other root paths are API (fail closed: the editor routes by hash)', async () => {
    for (const path of ['/', '/index.html']) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('<title>Flowcraft</title>');
    }
    expect((await app.request('/workflows/abc')).status).toBe(401);
  });

  it('serves hashed assets compressed and cached for a year', async () => {
    const res = await app.request('/assets/app-abc123.js', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('keeps the API behind the key and unknown API routes as problem+json', async () => {
    expect((await app.request('/v1/workflows')).status).toBe(401);
    const res = await app.request('/v1/nope', { headers: { Authorization: `Bearer ${'k'.repeat(32)}` } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses path traversal out of the editor folder', async () => {
    const res = await app.request('/assets/..%2F..%2Fetc%2Fpasswd');
    expect(await res.text()).not.toContain('root:');
  });
});
