import { bearerToken } from './api-key.js';

export const SESSION_COOKIE = 'flowcraft_session';
export const CSRF_COOKIE = 'flowcraft_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** A token from `Authorization: Bearer <token>` or `x-api-key: <token>`. */
export function presentedToken(authorization: string | undefined, xApiKey: string | undefined): string | undefined {
  const bearer = bearerToken(authorization);
  if (bearer !== undefined) return bearer;
  const key = xApiKey?.trim();
  return key === undefined || key === '' ? undefined : key;
}

/** One cookie's value from a `Cookie` header (Socket.IO handshakes have no Hono context). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}
