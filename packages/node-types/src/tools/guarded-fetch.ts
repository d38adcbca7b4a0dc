import { FlowError } from '@flowcraft/schema';
import type { FetchLike } from '../sdk/services.js';
import {
  checkDestination,
  compileNetworkPolicy,
  type HostResolver,
  type NetworkPolicyInput,
} from './network-policy.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin (as browsers do for Authorization). */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

export interface GuardedFetchOptions {
  /** The transport. Ideally one that connects only to checked addresses (see createGuardedLookup). */
  fetch: FetchLike;
  resolve: HostResolver;
  policy?: NetworkPolicyInput;
}

function cancel(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

/** What a redirect does to the request (WHATWG fetch "HTTP-redirect fetch", steps 11–13). */
function nextRequest(status: number, init: RequestInit, from: URL, to: URL): RequestInit {
  const headers = new Headers(init.headers);
  const method = (init.method ?? 'GET').toUpperCase();
  let next: RequestInit = { ...init, headers };
  if (
    status === 303 ? method !== 'GET' && method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST'
  ) {
    next = { ...next, method: 'GET', body: undefined };
    for (const name of BODY_HEADERS) headers.delete(name);
  } else if (init.body !== undefined && init.body !== null && typeof init.body !== 'string') {
    // A stream or form cannot be sent twice; strings (what httpRequest sends) can.
    throw new FlowError(
      'http_error',
      `Cannot repeat the request body for a ${status} redirect to ${to.origin}${to.pathname}`,
      {
        retryable: false,
        details: { status, location: to.href },
      },
    );
  }
  if (from.origin !== to.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  return next;
}

/**
 * Wraps a fetch so it only reaches destinations the network policy allows: before every request
 * and every redirect hop it checks the scheme, the host rules and every address the host resolves
 * to (private, loopback, link-local incl. 169.254.169.254, unique-local, multicast, … are refused
 * by default). Redirects are followed by hand, at most `maxRedirects` times, each hop checked;
 * credentials are dropped when a redirect changes origin. `redirect: 'manual'` returns the 3xx
 * response as is; `redirect: 'error'` throws on one.
 *
 * Refusals are FlowError('tool_error') with `details.blocked`. The check happens before the
 * transport resolves the name again, so a DNS-rebinding host could still switch addresses in
 * between unless the transport itself connects through createGuardedLookup.
 */
export function createGuardedFetch(options: GuardedFetchOptions): FetchLike {
  const compiled = compileNetworkPolicy(options.policy);
  const { maxRedirects } = compiled.policy;
  return async (input, init = {}) => {
    let url = new URL(input);
    let request: RequestInit = init;
    const mode = init.redirect ?? 'follow';
    for (let hop = 0; ; hop++) {
      await checkDestination(compiled, url, options.resolve, init.signal ?? undefined);
      const response = await options.fetch(url.href, { ...request, redirect: 'manual' });
      const location = response.headers.get('location');
      if (!REDIRECT_STATUSES.has(response.status) || location === null || mode === 'manual') return response;
      cancel(response);
      const from = url;
      let target: URL;
      try {
        target = new URL(location, from);
      } catch {
        throw new FlowError('http_error', `${from.origin}${from.pathname} redirected to an invalid URL`, {
          retryable: false,
          details: { status: response.status, location },
        });
      }
      if (mode === 'error') {
        throw new FlowError(
          'http_error',
          `${from.origin}${from.pathname} redirected (HTTP ${response.status}) and redirects are not allowed`,
          {
            retryable: false,
            details: { status: response.status, location: `${target.origin}${target.pathname}` },
          },
        );
      }
      if (hop >= maxRedirects) {
        throw new FlowError(
          'http_error',
          `Too many redirects (more than ${maxRedirects}) starting at ${new URL(input).origin}`,
          {
            retryable: false,
            details: { maxRedirects, location: `${target.origin}${target.pathname}` },
          },
        );
      }
      request = nextRequest(response.status, request, from, target);
      url = target;
      url.hash = '';
    }
  };
}
