import { describe, expect, it } from 'vitest';
import { Role, roleAtMost } from '@flowcraft/schema';
import { OPERATIONS, UNLISTED, matchOperation, operationMatcher, roleAllows } from './permissions.js';

describe('the permission table', () => {
  it('matches literal paths before parameterised ones and decodes parameters', () => {
    expect(matchOperation('POST', '/v1/workflows/import')).toMatchObject({ key: 'POST /v1/workflows/import' });
    expect(matchOperation('PUT', '/v1/workflows/w%201')).toMatchObject({
      key: 'PUT /v1/workflows/{workflowId}',
      route: '/v1/workflows/{workflowId}',
      params: { workflowId: 'w 1' },
    });
    expect(matchOperation('HEAD', '/v1/health').key).toBe('GET /v1/health');
    expect(matchOperation('GET', '/assets/index-abc.js').rule.access).toBe('public');
    expect(matchOperation('GET', '/favicon.svg').rule.access).toBe('public');
  });

  it('fails closed: an unlisted route (a new API, a root path without a dot) needs the admin role', () => {
    for (const [method, path] of [
      ['GET', '/a2a'],
      ['POST', '/crons/c1/run'],
      ['PUT', '/mcp'],
      ['GET', '/v1/memory'],
      ['PATCH', '/v1/workflows/w1'],
    ] as const) {
      const match = matchOperation(method, path);
      expect(match.key).toBeUndefined();
      expect(match.rule).toBe(UNLISTED);
      expect(Role.options.filter((role) => roleAllows(role, match.rule.access))).toEqual(['admin']);
    }
  });

  it('adding a route is one entry', () => {
    const match = operationMatcher({ ...OPERATIONS, 'GET /v1/memory/{namespace}': { access: 'runs:read' } });
    expect(match('GET', '/v1/memory/n1')).toMatchObject({ params: { namespace: 'n1' }, rule: { access: 'runs:read' } });
  });

  it('roles nest: each holds every permission of the roles below it', () => {
    const accesses = [...new Set(Object.values(OPERATIONS).map((r) => r.access))];
    for (const access of accesses)
      for (const high of Role.options)
        for (const low of Role.options)
          if (roleAtMost(low, high) && roleAllows(low, access)) expect(roleAllows(high, access)).toBe(true);
    expect(roleAllows('viewer', 'workflows:write')).toBe(false);
    expect(roleAllows('runner', 'runs:start')).toBe(true);
    expect(roleAllows('runner', 'debug')).toBe(false);
    expect(roleAllows('editor', 'debug')).toBe(true);
    expect(roleAllows('editor', 'secrets:manage')).toBe(false);
  });
});
