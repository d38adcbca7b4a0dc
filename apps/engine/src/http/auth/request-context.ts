import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Principal } from '../../access/principal.js';
import type { MatchedOperation } from './permissions.js';

/** What the edge middleware learned about a request: its id, caller, address and operation. */
export interface RequestContext {
  requestId: string;
  ip: string | null;
  operation: MatchedOperation;
  principal: Principal | undefined;
}

declare module 'hono' {
  interface ContextVariableMap {
    flowcraftRequest: RequestContext;
  }
}

export function setRequestContext(c: Context, ctx: RequestContext): void {
  c.set('flowcraftRequest', ctx);
}

export function requestContext(c: Context): RequestContext | undefined {
  return c.get('flowcraftRequest');
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id: a proxy's `X-Request-Id` when proxies are trusted and it is well-formed, else a new UUID. */
export function requestIdFor(c: Context, trustProxy: boolean): string {
  const incoming = trustProxy ? c.req.header('x-request-id') : undefined;
  return incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** The client's address: the first `X-Forwarded-For` entry behind a trusted proxy, else the socket's. */
export function clientIp(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // app.request() in tests has no socket
  }
}

/** Whether the client reached us over TLS (directly, or at a trusted proxy). */
export function isHttps(c: Context, trustProxy: boolean): boolean {
  if (trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https') return true;
  return new URL(c.req.url).protocol === 'https:';
}
