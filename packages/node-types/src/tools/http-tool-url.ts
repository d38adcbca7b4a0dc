import { FlowError } from '@flowcraft/schema';
import type { HttpToolArgs } from './tool-args.js';
import type { HttpToolSpec } from './tool-spec.js';

function toolError(message: string): FlowError {
  return new FlowError('tool_error', message, { retryable: false });
}

/** Same scheme, host and port, and a path at or under the prefix's path (segment-wise). */
export function isUrlAllowed(url: URL, prefix: string): boolean {
  const allowed = new URL(prefix);
  if (url.protocol !== allowed.protocol || url.host !== allowed.host) return false;
  const base = allowed.pathname;
  if (base === '/' || base.endsWith('/')) return url.pathname.startsWith(base);
  return url.pathname === base || url.pathname.startsWith(`${base}/`);
}

/**
 * The URL an HTTP tool call reaches: `path` joined under `baseUrl` (or an absolute URL, which must
 * still be allowed), the base URL's own query kept, then `query` applied. `..` segments are
 * resolved before the allowlist check, so `../admin` cannot climb out of the base path.
 */
export function resolveToolUrl(spec: HttpToolSpec, args: HttpToolArgs): string {
  const base = new URL(spec.baseUrl);
  let url: URL;
  const path = args.path?.trim() ?? '';
  try {
    if (path === '') {
      url = new URL(base.href);
    } else if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
      url = new URL(path);
    } else {
      const stem = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
      url = new URL(`${stem}/${path.replace(/^\/+/, '')}`);
      for (const [key, value] of base.searchParams) {
        if (!url.searchParams.has(key)) url.searchParams.append(key, value);
      }
    }
  } catch {
    throw toolError(`Tool "${spec.name}": "${path}" is not a valid path`);
  }
  url.hash = '';
  for (const [key, value] of Object.entries(args.query ?? {})) url.searchParams.set(key, String(value));
  const prefixes = spec.allowedUrlPrefixes.length > 0 ? spec.allowedUrlPrefixes : [spec.baseUrl];
  if (!prefixes.some((prefix) => isUrlAllowed(url, prefix))) {
    throw toolError(`Tool "${spec.name}" may not call ${url.origin}${url.pathname}; allowed: ${prefixes.join(', ')}`);
  }
  return url.href;
}
