import { FlowError } from '@flowcraft/schema';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchLike } from '../sdk/services.js';
import { createGuardedFetch } from './guarded-fetch.js';
import { createGuardedLookup } from './guarded-lookup.js';
import { httpRequest } from './http-request.js';
import type { HostResolver } from './network-policy.js';
import { systemResolver } from './system-resolver.js';

let server: Server;
let port = 0;
let hits = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ host: req.headers.host }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A minimal fetch over node:http with a custom lookup (GET only), standing in for undici's Agent. */
function fetchWithLookup(lookup: LookupFunction): FetchLike {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const req = request(
        String(input),
        { method: init?.method ?? 'GET', lookup, agent: false, signal: init?.signal ?? undefined },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve(
              new Response(Buffer.concat(chunks), {
                status: res.statusCode ?? 500,
                headers: { 'content-type': res.headers['content-type'] ?? 'text/plain' },
              }),
            ),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
}

/** Answers like a DNS-rebinding attacker: public on the first query, loopback afterwards. */
function rebindingResolver(): { resolve: HostResolver; queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    resolve: async (hostname) => {
      queries.push(hostname);
      return queries.length === 1 ? ['93.184.216.34'] : ['127.0.0.1'];
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<FlowError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return err as FlowError;
  }
  throw new Error('expected a rejection');
}

describe('createGuardedLookup', () => {
  it('hands out checked addresses only', async () => {
    const lookup = createGuardedLookup({ resolve: async () => ['127.0.0.1'] });
    const refused = await new Promise<Error | null>((resolve) => lookup('loop.example', {}, (err) => resolve(err)));
    expect(refused).toBeInstanceOf(FlowError);
    expect(refused?.message).toMatch(/^Refused to call loop\.example \(resolves to 127\.0\.0\.1\): loopback/);
    const allowed = createGuardedLookup({
      resolve: async () => ['127.0.0.1', '::1'],
      policy: { allowPrivateAddresses: true },
    });
    const one = await new Promise<unknown[]>((resolve) => allowed('x.example', {}, (...args) => resolve(args)));
    expect(one).toEqual([null, '127.0.0.1', 4]);
    const all = await new Promise<unknown[]>((resolve) =>
      allowed('x.example', { all: true }, (...args) => resolve(args)),
    );
    expect(all).toEqual([
      null,
      [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ],
    ]);
    const v6 = await new Promise<unknown[]>((resolve) =>
      allowed('x.example', { family: 6 }, (...args) => resolve(args)),
    );
    expect(v6).toEqual([null, '::1', 6]);
    const denied = createGuardedLookup({
      resolve: async () => ['93.184.216.34'],
      policy: { denyHosts: ['*.example'] },
    });
    const err = await new Promise<Error | null>((resolve) => denied('x.example', {}, (e) => resolve(e)));
    expect(err?.message).toBe('Refused to call x.example: denied by the rule "*.example"');
  });

  it('defeats DNS rebinding: the transport connects only to an address checked at connect time', async () => {
    // Unprotected transport: the pre-check sees the public answer, the transport's own lookup the loopback one.
    const naive = rebindingResolver();
    const plainLookup: LookupFunction = (hostname, options, callback) => {
      void naive
        .resolve(hostname)
        .then(([address = '']) =>
          options.all === true ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4),
        );
    };
    const unprotected = createGuardedFetch({ fetch: fetchWithLookup(plainLookup), resolve: naive.resolve });
    hits = 0;
    const leaked = await httpRequest({ url: `http://rebind.example:${port}/` }, { fetch: unprotected });
    expect(leaked.body).toEqual({ host: `rebind.example:${port}` });
    expect(hits).toBe(1);

    // Protected: the connect-time lookup checks the address the socket will use.
    const attacker = rebindingResolver();
    const guarded = createGuardedFetch({
      fetch: fetchWithLookup(createGuardedLookup({ resolve: attacker.resolve })),
      resolve: attacker.resolve,
    });
    const err = await rejection(httpRequest({ url: `http://rebind.example:${port}/` }, { fetch: guarded }));
    expect(err.code).toBe('tool_error');
    expect(err.message).toMatch(
      /^Refused to call rebind\.example \(resolves to 127\.0\.0\.1\): loopback addresses are blocked/,
    );
    expect(attacker.queries).toEqual(['rebind.example', 'rebind.example']);
    expect(hits).toBe(1);
  });

  it('uses the system resolver by default (localhost resolves to loopback and is refused)', async () => {
    const addresses = await systemResolver('localhost');
    expect(addresses.some((a) => a === '127.0.0.1' || a === '::1')).toBe(true);
    const lookup = createGuardedLookup({ resolve: systemResolver });
    const err = await new Promise<Error | null>((resolve) => lookup('localhost', {}, (e) => resolve(e)));
    expect(err?.message).toMatch(/^Refused to call localhost: loopback addresses are blocked/);
  });
});
