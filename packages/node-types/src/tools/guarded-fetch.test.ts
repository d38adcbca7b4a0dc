import { FlowError } from '@flowcraft/schema';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchLike } from '../sdk/services.js';
import { createGuardedFetch } from './guarded-fetch.js';
import { httpRequest } from './http-request.js';
import type { HostResolver } from './network-policy.js';

const dns: Record<string, string[]> = {
  'public.example': ['93.184.216.34'],
  'other.example': ['93.184.216.35'],
  'sneaky.example': ['192.168.0.10'],
};
const resolver: HostResolver = async (hostname) => dns[hostname] ?? [];

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  redirect: RequestRedirect | undefined;
}

/** A fake transport: answers from a table of URL → response, records what it was asked. */
function fakeTransport(routes: Record<string, () => Response>): { fetch: FetchLike; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (input, init) => {
    const url = String(input);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    sent.push({
      url,
      method: init?.method ?? 'GET',
      headers,
      body: init?.body,
      redirect: init?.redirect,
    });
    const route = routes[url];
    return route ? route() : new Response('not found', { status: 404 });
  };
  return { fetch, sent };
}

const redirect =
  (location: string, status = 302) =>
  () =>
    new Response(null, { status, headers: { location } });
const ok =
  (text = 'ok') =>
  () =>
    new Response(text, { status: 200, headers: { 'content-type': 'text/plain' } });

async function rejection(promise: Promise<unknown>): Promise<FlowError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return err as FlowError;
  }
  throw new Error('expected a rejection');
}

describe('createGuardedFetch', () => {
  it('checks the first URL before the transport sees it', async () => {
    const t = fakeTransport({ 'http://public.example/': ok() });
    const guarded = createGuardedFetch({ fetch: t.fetch, resolve: resolver });
    expect(await (await guarded('http://public.example/')).text()).toBe('ok');
    const err = await rejection(guarded('http://sneaky.example/admin'));
    expect(err.code).toBe('tool_error');
    expect(err.message).toMatch(
      /^Refused to call sneaky\.example \(resolves to 192\.168\.0\.10\): private addresses are blocked/,
    );
    await rejection(guarded('http://[::ffff:169.254.169.254]/'));
    expect(t.sent.map((s) => s.url)).toEqual(['http://public.example/']);
    expect(t.sent[0]?.redirect).toBe('manual');
  });

  it('refuses a redirect to a private address, literal or by name', async () => {
    const t = fakeTransport({
      'http://public.example/to-metadata': redirect('http://169.254.169.254/latest/meta-data/'),
      'http://public.example/to-name': redirect('http://sneaky.example/'),
      'http://public.example/to-loopback-v6': redirect('http://[::1]:8080/', 307),
    });
    const guarded = createGuardedFetch({ fetch: t.fetch, resolve: resolver });
    const metadata = await rejection(guarded('http://public.example/to-metadata'));
    expect(metadata.details).toMatchObject({ blocked: true, host: '169.254.169.254', range: 'linkLocal' });
    expect((await rejection(guarded('http://public.example/to-name'))).details).toMatchObject({
      host: 'sneaky.example',
      range: 'private',
    });
    expect((await rejection(guarded('http://public.example/to-loopback-v6'))).details).toMatchObject({
      host: '::1',
      range: 'loopback',
    });
    // the private destinations were never requested
    expect(t.sent.map((s) => s.url)).toEqual([
      'http://public.example/to-metadata',
      'http://public.example/to-name',
      'http://public.example/to-loopback-v6',
    ]);
  });

  it('follows allowed redirects with fetch semantics, dropping credentials across origins', async () => {
    const t = fakeTransport({
      'http://public.example/start': redirect('/next', 307),
      'http://public.example/next': redirect('http://other.example/final', 303),
      'http://other.example/final': ok('done'),
    });
    const guarded = createGuardedFetch({ fetch: t.fetch, resolve: resolver });
    const res = await guarded('http://public.example/start', {
      method: 'POST',
      body: '{"a":1}',
      headers: { authorization: 'Bearer secret', 'content-type': 'application/json', 'x-trace': '1' },
    });
    expect(await res.text()).toBe('done');
    expect(
      t.sent.map((s) => [s.method, s.url, s.body, s.headers.authorization ?? null, s.headers['content-type'] ?? null]),
    ).toEqual([
      ['POST', 'http://public.example/start', '{"a":1}', 'Bearer secret', 'application/json'],
      ['POST', 'http://public.example/next', '{"a":1}', 'Bearer secret', 'application/json'],
      ['GET', 'http://other.example/final', undefined, null, null],
    ]);
    expect(t.sent[2]?.headers['x-trace']).toBe('1');
  });

  it('bounds the number of redirects', async () => {
    const t = fakeTransport({
      'http://public.example/a': redirect('/b'),
      'http://public.example/b': redirect('/a'),
    });
    const guarded = createGuardedFetch({ fetch: t.fetch, resolve: resolver, policy: { maxRedirects: 3 } });
    const err = await rejection(guarded('http://public.example/a'));
    expect(err.code).toBe('http_error');
    expect(err.message).toBe('Too many redirects (more than 3) starting at http://public.example');
    expect(t.sent).toHaveLength(4);
  });

  it('returns redirects as is for redirect: manual, and throws for redirect: error', async () => {
    const t = fakeTransport({ 'http://public.example/moved': redirect('http://sneaky.example/') });
    const guarded = createGuardedFetch({ fetch: t.fetch, resolve: resolver });
    const res = await guarded('http://public.example/moved', { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://sneaky.example/');
    const err = await rejection(guarded('http://public.example/moved', { redirect: 'error' }));
    expect(err.message).toMatch(/redirects are not allowed/);
    expect(t.sent).toHaveLength(2);
  });

  it('makes httpRequest fail with a clear blocked error', async () => {
    const t = fakeTransport({ 'http://public.example/hop': redirect('http://10.0.0.1/internal') });
    const guarded = createGuardedFetch({ fetch: t.fetch, resolve: resolver });
    const err = await rejection(httpRequest({ url: 'http://public.example/hop' }, { fetch: guarded }));
    expect(err.code).toBe('tool_error');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/^Refused to call 10\.0\.0\.1: private addresses are blocked/);
    const direct = await rejection(httpRequest({ url: 'http://127.0.0.1:9/' }, { fetch: guarded }));
    expect(direct.message).toMatch(/^Refused to call 127\.0\.0\.1: loopback addresses are blocked/);
  });
});

describe('createGuardedFetch over a real loopback server', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/hop') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/landing` });
        res.end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const realFetch: FetchLike = (input, init) => fetch(input, init);

  it('is refused by default and allowed when private addresses are allowed for local development', async () => {
    const strict = createGuardedFetch({ fetch: realFetch, resolve: resolver });
    const err = await rejection(httpRequest({ url: `http://127.0.0.1:${port}/x` }, { fetch: strict }));
    expect(err.message).toMatch(/Refused to call 127\.0\.0\.1/);
    const dev = createGuardedFetch({ fetch: realFetch, resolve: resolver, policy: { allowPrivateAddresses: true } });
    expect((await httpRequest({ url: `http://127.0.0.1:${port}/hop` }, { fetch: dev })).body).toEqual({
      path: '/landing',
    });
    const listed = createGuardedFetch({
      fetch: realFetch,
      resolve: resolver,
      policy: { allowCidrs: ['127.0.0.1'], allowHosts: ['127.0.0.1'] },
    });
    expect((await httpRequest({ url: `http://127.0.0.1:${port}/y` }, { fetch: listed })).body).toEqual({ path: '/y' });
  });
});
