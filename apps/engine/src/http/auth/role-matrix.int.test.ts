import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@flowcraft/schema';
import { AccessService } from '../../access/access-service.js';
import { createStore } from '../../store/index.js';
import { BACKENDS, useTestDatabase } from '../../store/test-database.js';
import { createHttpApp } from '../app.js';
import { call, createFakeDeps } from '../testing/index.js';
import { OPERATIONS, type Access, roleAllows } from './permissions.js';

interface OpenApiOperation {
  'x-flowcraft-permission'?: Access;
  'x-flowcraft-roles'?: string[];
}

const PARAMS: Record<string, string> = { version: '1', name: 'MATRIX_SECRET', file: 'swagger-ui.css' };

/** The role × operation matrix, generated from the served OpenAPI document. */
for (const kind of BACKENDS) {
  describe(`role × operation matrix from /v1/openapi.json (${kind})`, () => {
    const database = useTestDatabase(kind);
    const keys = new Map<Role, string>();
    let app: ReturnType<typeof createHttpApp>;
    let operations: [method: string, path: string, op: OpenApiOperation][] = [];

    beforeAll(async () => {
      const access = new AccessService(createStore(database.db).access);
      const suffix = `${kind}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      for (const role of Role.options) {
        const user = await access.createUser(`${role}-${suffix}@matrix.test`, 'a long password!', role);
        const principal = { kind: 'user' as const, role, user, sessionId: 'none', csrfToken: 'none' };
        keys.set(role, (await access.createApiKey(principal, { name: `matrix ${role}` })).key);
      }
      app = createHttpApp({ ...createFakeDeps(), access }, { authMode: 'users' });
      const doc = await call(app, 'GET', '/v1/openapi.json');
      expect(doc.status).toBe(200);
      const paths = Reflect.get(Object(doc.body), 'paths') as Record<string, Record<string, OpenApiOperation>>;
      operations = Object.entries(paths).flatMap(([path, item]) =>
        Object.entries(item).map(
          ([method, op]) => [method.toUpperCase(), path, op] as [string, string, OpenApiOperation],
        ),
      );
      expect(operations.length).toBeGreaterThan(50);
    });
    afterAll(() => undefined);

    const concrete = (path: string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => PARAMS[name] ?? 'x1');
    const send = (method: string, path: string, headers: Record<string, string>) =>
      call(app, method, concrete(path), method === 'GET' || method === 'DELETE' ? { headers } : { headers, json: {} });

    it('lists every operation of the OpenAPI document in the permission table, and the document states it', () => {
      for (const [method, path, op] of operations) {
        const rule = OPERATIONS[`${method} ${path}`];
        expect(rule, `${method} ${path} is missing from OPERATIONS`).toBeDefined();
        expect(op['x-flowcraft-permission']).toBe(rule?.access);
        expect(op['x-flowcraft-roles']).toEqual(
          Role.options.filter((role) => rule?.access === 'public' || roleAllows(role, rule?.access ?? 'admin')),
        );
      }
    });

    it('every operation × every role: allowed, or 403 forbidden; 401 without credentials', async () => {
      const outcomes: string[] = [];
      for (const [method, path] of operations) {
        const rule = OPERATIONS[`${method} ${path}`];
        if (!rule) continue;
        const anonymous = await send(method, path, {});
        if (rule.access === 'public') expect(anonymous.status, `${method} ${path}`).not.toBe(401);
        else expect([anonymous.status, `${method} ${path}`]).toEqual([401, `${method} ${path}`]);
        for (const role of Role.options) {
          const res = await send(method, path, { Authorization: `Bearer ${keys.get(role)}` });
          const allowed = rule.access === 'public' || roleAllows(role, rule.access);
          const label = `${role} ${method} ${path} → ${res.status}`;
          if (allowed) expect([401, 403], label).not.toContain(res.status);
          else {
            expect(res.status, label).toBe(403);
            expect(Reflect.get(Object(res.body), 'code')).toBe('forbidden');
          }
          outcomes.push(`${allowed ? 'allow' : 'deny'}`);
        }
      }
      // Every role is refused something except admin, and each role is allowed something.
      expect(outcomes.filter((o) => o === 'deny').length).toBeGreaterThan(30);
    });

    it('the same key is accepted in x-api-key; an unknown key is 401 even on a route the role could use', async () => {
      const viewer = keys.get('viewer') ?? '';
      expect((await call(app, 'GET', '/v1/workflows', { headers: { 'x-api-key': viewer } })).status).toBe(200);
      expect((await call(app, 'GET', '/v1/workflows', { headers: { 'x-api-key': `${viewer}x` } })).status).toBe(401);
    });
  });
}
