import { FlowError } from '@flowcraft/schema';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, type HttpRequestInput } from './http-request.js';
import { parseRetryAfter } from './retry-after.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const routes: Record<string, Handler> = {
  '/json': (_req, res) => {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ hello: 'world', n: 1 }));
  },
  '/text': (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('plain words');
  },
  '/problem-json': (_req, res) => {
    res.setHeader('content-type', 'application/problem+json');
    res.end('{"title":"ok"}');
  },
  '/bad-json': (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{not json');
  },
  '/echo': (req, res, body) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        method: req.method,
        contentType: req.headers['content-type'] ?? null,
        auth: req.headers.authorization ?? null,
        url: req.url,
        body,
      }),
    );
  },
  '/empty': (_req, res) => {
    res.statusCode = 204;
    res.end();
  },
  '/fail': (_req, res) => {
    res.statusCode = 500;
    res.end('database on fire');
  },
  '/unavailable': (_req, res) => {
    res.statusCode = 503;
    res.setHeader('retry-after', '7');
    res.end();
  },
  '/slow-down': (_req, res) => {
    res.statusCode = 429;
    res.setHeader('retry-after', '3');
    res.end('too many');
  },
  '/slow-down-date': (_req, res) => {
    res.statusCode = 429;
    res.setHeader('retry-after', new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString());
    res.end();
  },
  '/missing': (_req, res) => {
    res.statusCode = 404;
    res.end('no such thing');
  },
  '/request-timeout': (_req, res) => {
    res.statusCode = 408;
    res.end();
  },
  '/moved': (_req, res) => {
    res.statusCode = 302;
    res.setHeader('location', '/json');
    res.end();
  },
  '/hang': () => {
    // never answers; the client must time out or abort
  },
  '/big': (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    // chunked (no Content-Length), so the cap is enforced while streaming
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 40; i++) res.write(chunk);
    res.end();
  },
  '/big-declared': (_req, res) => {
    const body = 'y'.repeat(4096);
    res.setHeader('content-length', String(body.length));
    res.end(body);
  },
};

let server: Server;
let base = '';
const openSockets = new Set<import('node:net').Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const handler = routes[new URL(req.url ?? '/', 'http://x').pathname];
      if (!handler) {
        res.statusCode = 404;
        res.end();
        return;
      }
      handler(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.on('connection', (socket) => {
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of openSockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const deps = { fetch: (input: string | URL, init?: RequestInit) => fetch(input, init) };

async function failureOf(
  req: HttpRequestInput,
  extra: { signal?: AbortSignal; now?: () => number } = {},
): Promise<FlowError> {
  try {
    await httpRequest(req, { ...deps, ...extra });
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return err as FlowError;
  }
  throw new Error('expected the request to fail');
}

describe('httpRequest', () => {
  it('parses JSON responses and returns status and headers', async () => {
    const res = await httpRequest({ url: `${base}/json` }, deps);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ hello: 'world', n: 1 });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('returns text for non-JSON content types and honours responseType', async () => {
    expect((await httpRequest({ url: `${base}/text` }, deps)).body).toBe('plain words');
    expect((await httpRequest({ url: `${base}/json`, responseType: 'text' }, deps)).body).toBe(
      '{"hello":"world","n":1}',
    );
    expect((await httpRequest({ url: `${base}/problem-json` }, deps)).body).toEqual({ title: 'ok' });
    expect((await httpRequest({ url: `${base}/empty` }, deps)).body).toBe('');
    expect((await httpRequest({ url: `${base}/bad-json` }, deps)).body).toBe('{not json');
    const err = await failureOf({ url: `${base}/bad-json`, responseType: 'json' });
    expect(err.code).toBe('http_error');
    expect(err.message).toMatch(/not valid JSON/);
  });

  it('sends JSON bodies with a content type, strings as is, and custom headers', async () => {
    const json = await httpRequest(
      { method: 'POST', url: `${base}/echo?q=1`, body: { a: [1, 2] }, headers: { Authorization: 'Bearer t' } },
      deps,
    );
    expect(json.body).toEqual({
      method: 'POST',
      contentType: 'application/json',
      auth: 'Bearer t',
      url: '/echo?q=1',
      body: '{"a":[1,2]}',
    });
    const text = await httpRequest(
      { method: 'PUT', url: `${base}/echo`, body: 'raw', headers: { 'content-type': 'text/csv' } },
      deps,
    );
    expect(text.body).toMatchObject({ method: 'PUT', contentType: 'text/csv', body: 'raw' });
  });

  it('marks 5xx and 408 as retryable http errors with a body snippet', async () => {
    const err = await failureOf({ url: `${base}/fail?token=secret` });
    expect(err.code).toBe('http_error');
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(`GET ${base}/fail failed with HTTP 500 Internal Server Error`);
    expect(err.message).not.toContain('secret');
    expect(err.details).toMatchObject({ status: 500, body: 'database on fire' });
    const unavailable = await failureOf({ url: `${base}/unavailable` });
    expect(unavailable.details).toMatchObject({ status: 503, retryAfterMs: 7000 });
    expect((await failureOf({ url: `${base}/request-timeout` })).retryable).toBe(true);
  });

  it('maps 429 to a retryable rate_limited error with Retry-After in milliseconds', async () => {
    const err = await failureOf({ url: `${base}/slow-down` });
    expect(err.code).toBe('rate_limited');
    expect(err.retryable).toBe(true);
    expect(err.details).toMatchObject({ status: 429, retryAfterMs: 3000, body: 'too many' });
    const dated = await failureOf({ url: `${base}/slow-down-date` }, { now: () => Date.UTC(2030, 0, 1, 0, 0, 0) });
    expect(dated.details).toMatchObject({ retryAfterMs: 10_000 });
  });

  it('does not retry 404', async () => {
    const err = await failureOf({ url: `${base}/missing` });
    expect(err.code).toBe('http_error');
    expect(err.retryable).toBe(false);
    expect(err.details).toMatchObject({ status: 404, body: 'no such thing' });
  });

  it('follows redirects by default and reports them when redirect is manual', async () => {
    expect((await httpRequest({ url: `${base}/moved` }, deps)).body).toEqual({ hello: 'world', n: 1 });
    const err = await failureOf({ url: `${base}/moved`, redirect: 'manual' });
    expect(err.retryable).toBe(false);
    expect(err.details).toMatchObject({ status: 302, location: '/json' });
  });

  it('times out with a retryable http error', async () => {
    const started = Date.now();
    const err = await failureOf({ url: `${base}/hang`, timeoutMs: 150 });
    expect(err.code).toBe('http_error');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/timed out after 150 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops when the caller aborts, before or during the request', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user pressed stop')), 50);
    const err = await failureOf({ url: `${base}/hang` }, { signal: controller.signal });
    expect(err.code).toBe('cancelled');
    expect(err.retryable).toBe(false);
    const already = await failureOf({ url: `${base}/json` }, { signal: AbortSignal.abort() });
    expect(already.code).toBe('cancelled');
  });

  it('caps the response body, streamed or declared', async () => {
    const streamed = await failureOf({ url: `${base}/big` });
    expect(streamed.code).toBe('http_error');
    expect(streamed.retryable).toBe(false);
    expect(streamed.message).toMatch(/exceeds the 1 MB limit/);
    const declared = await failureOf({ url: `${base}/big-declared`, maxResponseBytes: 1024 });
    expect(declared.message).toMatch(/exceeds the 1 KB limit/);
    expect((await httpRequest({ url: `${base}/big-declared`, maxResponseBytes: 4096 }, deps)).body).toHaveLength(4096);
  });

  it('reports network failures as retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await failureOf({ url: `http://127.0.0.1:${port}/` });
    expect(err.code).toBe('http_error');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/network error/);
  });

  it('rejects invalid requests as tool errors without calling fetch', async () => {
    let called = 0;
    const counting = { fetch: (input: string | URL, init?: RequestInit) => (called++, fetch(input, init)) };
    for (const req of [
      { url: 'not a url' },
      { url: 'file:///etc/passwd' },
      { url: `${base}/json`, method: 'TRACE' },
      { url: `${base}/json`, body: { a: 1 } },
      { url: `${base}/json`, headers: { 'bad header': 'x' } },
    ]) {
      const err = await httpRequest(req as HttpRequestInput, counting).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(FlowError);
      expect((err as FlowError).code).toBe('tool_error');
    }
    expect(called).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and dates, never negative', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', 0)).toBe(0);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2015, 9, 21, 7, 27, 0))).toBe(60_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2016, 0, 1))).toBe(0);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('-5', 0)).toBeUndefined();
  });
});
