import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { RefusedRequestError } from '../problem-response.js';

/**
 * Who may talk to a key-less engine. Without an API key, the only thing keeping other web pages
 * out is that they cannot reach the loopback address, and DNS rebinding defeats that (a page at
 * `attacker.example` re-resolves its name to 127.0.0.1). So the `Host` a request names must be a
 * loopback name or one in `allowedHosts`, and a browser `Origin` must be local, allowed, or a
 * configured CORS origin.
 */
export interface HostPolicy {
  /** Host names besides loopback ones (lower case, no port), from ALLOWED_HOSTS. */
  allowedHosts: readonly string[];
  /** Origins allowed by CORS (exact `scheme://host:port`, or `*`). */
  corsOrigins: readonly string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host name of a `Host` header value (`name`, `name:port`, `[v6]`, `[v6]:port`), lower case; `undefined` if malformed. */
export function hostName(host: string): string | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(:\d{1,5})?$/i.exec(host.trim());
  return match?.[1]?.toLowerCase();
}

export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name === '[::1]' || /^127(\.\d{1,3}){3}$/.test(name);
}

/** Whether a `Host` header names this engine: loopback or allowed (any port). */
export function hostAllowed(host: string | undefined, policy: HostPolicy): boolean {
  if (host === undefined) return false;
  const name = hostName(host);
  return name !== undefined && (isLoopbackName(name) || policy.allowedHosts.includes(name));
}

/** Whether a browser `Origin` may act on this engine: a CORS origin, or a page served from a loopback or allowed host. */
export function originAllowed(origin: string, policy: HostPolicy): boolean {
  if (policy.corsOrigins.includes('*') || policy.corsOrigins.includes(origin)) return true;
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return hostAllowed(url.host, policy);
}

/** Why a request is refused (`Host`: 421, `Origin`: 403), or `undefined`. */
export function refusal(
  host: string | undefined,
  origin: string | undefined,
  checkOrigin: boolean,
  policy: HostPolicy,
): RefusedRequestError | undefined {
  if (!hostAllowed(host, policy))
    return new RefusedRequestError(
      'misdirected_request',
      'This engine has no API key, so it answers only to loopback host names (localhost, 127.0.0.1, [::1]) ' +
        'and to ALLOWED_HOSTS. Use one of them, add this host name to ALLOWED_HOSTS, or set API_KEY.',
    );
  if (checkOrigin && origin !== undefined && !originAllowed(origin, policy))
    return new RefusedRequestError(
      'forbidden',
      `Requests from the web origin ${JSON.stringify(origin.slice(0, 200))} are refused: this engine has no API key. ` +
        'Add the origin to CORS_ORIGINS, or set API_KEY.',
    );
  return undefined;
}

/** Hono middleware for a key-less engine: wrong `Host` → 421; a write with a foreign `Origin` → 403. */
export function guardHostAndOrigin(policy: HostPolicy): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    const refused = refusal(host, c.req.header('origin'), !SAFE_METHODS.has(c.req.method), policy);
    if (refused) throw refused;
    await next();
  };
}

/**
 * Socket.IO `allowRequest` for a key-less engine: the same `Host` rule, and any `Origin` must be
 * allowed (WebSockets are not covered by CORS, so every handshake is checked, not only writes).
 */
export function socketRequestGuard(
  policy: HostPolicy,
): (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => void {
  return (req, callback) => {
    const refused = refusal(req.headers.host, req.headers.origin, true, policy);
    callback(refused?.message, refused === undefined);
  };
}
