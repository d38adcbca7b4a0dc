import { FlowError } from '@flowcraft/schema';
import { describe, expect, it } from 'vitest';
import { isUrlAllowed, resolveToolUrl } from './http-tool-url.js';
import { HttpToolSpec } from './tool-spec.js';

const spec = HttpToolSpec.parse({
  kind: 'http',
  name: 'api',
  description: 'The API',
  baseUrl: 'https://api.example.com/v1/?key=k',
});

describe('resolveToolUrl', () => {
  it('joins the path under the base URL, keeping its query and applying the model query', () => {
    expect(resolveToolUrl(spec, {})).toBe('https://api.example.com/v1/?key=k');
    expect(resolveToolUrl(spec, { path: 'users/42' })).toBe('https://api.example.com/v1/users/42?key=k');
    expect(resolveToolUrl(spec, { path: '/users', query: { q: 'a b', limit: 5, all: true } })).toBe(
      'https://api.example.com/v1/users?key=k&q=a+b&limit=5&all=true',
    );
    expect(resolveToolUrl(spec, { path: 'search?x=1#frag' })).toBe('https://api.example.com/v1/search?x=1&key=k');
  });

  it('refuses URLs outside the allowlist, including traversal and look-alike hosts', () => {
    for (const path of [
      '../admin',
      'users/../../admin',
      '%2e%2e/admin',
      'https://evil.example.com/v1/x',
      'https://api.example.com.evil.com/v1/x',
      'http://api.example.com/v1/x',
      'https://api.example.com:8443/v1/x',
      'https://api.example.com/v10',
    ]) {
      let error: unknown;
      try {
        resolveToolUrl(spec, { path });
      } catch (err) {
        error = err;
      }
      expect(error, path).toBeInstanceOf(FlowError);
      expect((error as FlowError).code).toBe('tool_error');
      expect((error as FlowError).message).toMatch(/may not call/);
    }
  });

  it('accepts absolute URLs on an explicit allowlist', () => {
    const wide = HttpToolSpec.parse({
      ...spec,
      allowedUrlPrefixes: ['https://api.example.com/v1', 'https://cdn.example.com/'],
    });
    expect(resolveToolUrl(wide, { path: 'https://cdn.example.com/a.json' })).toBe('https://cdn.example.com/a.json');
    expect(() => resolveToolUrl(wide, { path: 'https://cdn.example.org/a.json' })).toThrow(/may not call/);
  });
});

describe('isUrlAllowed', () => {
  it('matches whole path segments', () => {
    expect(isUrlAllowed(new URL('https://a.com/v1'), 'https://a.com/v1')).toBe(true);
    expect(isUrlAllowed(new URL('https://a.com/v1/x'), 'https://a.com/v1')).toBe(true);
    expect(isUrlAllowed(new URL('https://a.com/v10'), 'https://a.com/v1')).toBe(false);
    expect(isUrlAllowed(new URL('https://a.com/anything'), 'https://a.com')).toBe(true);
    expect(isUrlAllowed(new URL('https://b.com/'), 'https://a.com')).toBe(false);
  });
});
