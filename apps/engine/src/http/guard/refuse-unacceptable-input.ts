import type { MiddlewareHandler } from 'hono';
import { RequestValidationError, UnacceptableValueError } from '../problem-response.js';
import type { RequestIssue } from '../schemas/problem.js';
import { findValueIssue, stringProblem } from './json-limits.js';
import type { JsonLimits } from './json-limits.js';

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json(\s*;|$)/i;

/** A percent-encoded URL part decoded, or `undefined` when it is not valid UTF-8 percent-encoding. */
function decodePart(raw: string, plusIsSpace: boolean): string | undefined {
  try {
    return decodeURIComponent(plusIsSpace ? raw.replace(/\+/g, ' ') : raw);
  } catch {
    return undefined;
  }
}

/** Issues of the path segments and query parameters, decoded as the router and the validators will see them. */
function urlIssues(url: URL, limits: JsonLimits): { malformed: RequestIssue[]; refused: RequestIssue[] } {
  const malformed: RequestIssue[] = [];
  const refused: RequestIssue[] = [];
  url.pathname.split('/').forEach((raw, index) => {
    const segment = decodePart(raw, false);
    if (segment === undefined)
      malformed.push({ location: 'path', path: [index], message: 'is not valid percent-encoded UTF-8' });
    else {
      const problem = stringProblem(segment, limits.maxStringLength);
      if (problem) refused.push({ location: 'path', path: [index], message: `The path segment ${problem}.` });
    }
  });
  for (const pair of url.search.slice(1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const key = decodePart(rawKey, true);
    const value = eq < 0 ? '' : decodePart(pair.slice(eq + 1), true);
    const name = key ?? rawKey;
    if (key === undefined || value === undefined) {
      malformed.push({ location: 'query', path: [name], message: 'is not valid percent-encoded UTF-8' });
      continue;
    }
    const problem = stringProblem(key, 200) ?? stringProblem(value, limits.maxStringLength);
    if (problem) refused.push({ location: 'query', path: [name], message: `The parameter ${problem}.` });
  }
  return { malformed, refused };
}

/**
 * Refuses, before any route or schema sees them, values the engine cannot take in: path segments
 * and query parameters that are not valid percent-encoded UTF-8 (400), or that hold NUL or unpaired
 * surrogates (422); JSON bodies nested deeper than `maxDepth`, with strings longer than
 * `maxStringLength`, NUL, unpaired surrogates or numbers out of range (422 with the JSON path).
 * Malformed JSON is left to the route's validator (400). The body is read once; Hono caches it
 * for the validator.
 */
export function refuseUnacceptableInput(limits: JsonLimits): MiddlewareHandler {
  return async (c, next) => {
    const { malformed, refused } = urlIssues(new URL(c.req.url), limits);
    if (malformed.length > 0) throw new RequestValidationError(malformed);
    if (refused.length > 0) throw new UnacceptableValueError(refused);
    const type = c.req.header('content-type');
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && type !== undefined && JSON_TYPE.test(type)) {
      const text = await c.req.text();
      let parsed: unknown;
      try {
        parsed = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const issue = parsed === undefined ? undefined : findValueIssue(parsed, limits);
      if (issue) throw new UnacceptableValueError([{ location: 'body', ...issue }]);
    }
    await next();
  };
}
