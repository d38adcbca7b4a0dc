import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { loadConfig } from '../config/config.js';
import { exampleDocument } from '../http/testing/examples.js';
import { createLogger } from '../server/logger.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import { type Engine, startEngine } from './engine.js';

const ADMIN = { email: 'admin@ops.test', password: 'admin password 1' };

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

const field = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? Reflect.get(v, key) : undefined), value);

/** One engine in AUTH_MODE=users over a real database: sessions, CSRF, keys, audit, metrics, logs, sockets. */
for (const kind of BACKENDS) {
  describe(`operations: users, keys, audit, metrics and logs on a real engine (${kind})`, () => {
    const database = useTestDatabase(kind, { fresh: true });
    const lines: string[] = [];
    let engine: Engine;
    let workflowId = '';

    const send = async (
      method: string,
      path: string,
      opts: { json?: unknown; headers?: Record<string, string>; cookie?: string } = {},
    ): Promise<Reply> => {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.cookie) headers['cookie'] = opts.cookie;
      if (opts.json !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${engine.server.url}${path}`, {
        method,
        headers,
        ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : {}),
      });
      const text = await res.text();
      const json = /json/.test(res.headers.get('content-type') ?? '') && text !== '';
      return { status: res.status, headers: res.headers, body: json ? JSON.parse(text) : text };
    };

    /** Signs in; returns the cookie header and the CSRF token. */
    const login = async (email: string, password: string, ip = '10.0.0.1') => {
      const res = await send('POST', '/v1/auth/login', {
        json: { email, password },
        headers: { 'x-forwarded-for': ip },
      });
      expect(res.status).toBe(200);
      const cookies = res.headers.getSetCookie();
      const session = cookies.find((c) => c.startsWith('flowcraft_session='));
      expect(session).toMatch(/HttpOnly/);
      expect(session).toMatch(/SameSite=Lax/);
      const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
      return { cookie, csrf: String(field(res.body, 'csrfToken')), me: res.body };
    };

    beforeAll(async () => {
      engine = await startEngine({
        config: loadConfig({
          PORT: '0',
          AUTH_MODE: 'users',
          TRUST_PROXY: 'true',
          FLOWCRAFT_ADMIN_EMAIL: ADMIN.email,
          FLOWCRAFT_ADMIN_PASSWORD: ADMIN.password,
          RATE_LIMIT_LOGINS_PER_15_MINUTES: '3',
        }),
        database: { db: database.db, kind, native: database.native, close: async () => undefined },
        env: {},
        print: () => undefined,
        logger: createLogger('info', (line) => void lines.push(line)),
      });
    });
    afterAll(() => engine?.stop());

    it('creates the first admin from the environment; setup is then refused', async () => {
      expect((await send('GET', '/v1/auth/status')).body).toEqual({ authMode: 'users', setupRequired: false });
      const setup = await send('POST', '/v1/auth/setup', {
        json: { email: 'other@ops.test', password: 'another password' },
        headers: { 'x-forwarded-for': '10.0.9.9' },
      });
      expect(setup.status).toBe(409);
    });

    it('login → cookie session; writes need the CSRF token; logout ends the session', async () => {
      expect((await send('GET', '/v1/workflows')).status).toBe(401);
      const wrong = await send('POST', '/v1/auth/login', {
        json: { email: ADMIN.email, password: 'not it at all' },
        headers: { 'x-forwarded-for': '10.0.0.2' },
      });
      expect(wrong.status).toBe(401);
      const { cookie, csrf, me } = await login(ADMIN.email, ADMIN.password);
      expect(field(me, 'role')).toBe('admin');
      expect(field(me, 'user', 'email')).toBe(ADMIN.email);
      expect((await send('GET', '/v1/workflows', { cookie })).status).toBe(200);
      const doc = { ...exampleDocument('sequential-pipeline'), id: `csrf-${kind}` };
      const noCsrf = await send('POST', '/v1/workflows', { cookie, json: { document: doc } });
      expect(noCsrf.status).toBe(403);
      expect(field(noCsrf.body, 'code')).toBe('forbidden');
      const badCsrf = await send('POST', '/v1/workflows', {
        cookie,
        json: { document: doc },
        headers: { 'x-csrf-token': `${csrf}x` },
      });
      expect(badCsrf.status).toBe(403);
      const ok = await send('POST', '/v1/workflows', {
        cookie,
        json: { document: doc },
        headers: { 'x-csrf-token': csrf },
      });
      expect(ok.status).toBe(201);
      workflowId = String(field(ok.body, 'id'));
      expect((await send('POST', '/v1/auth/logout', { cookie, headers: { 'x-csrf-token': csrf } })).status).toBe(204);
      expect((await send('GET', '/v1/workflows', { cookie })).status).toBe(401);
    });

    it('users and roles: a viewer reads but cannot save (403); a key cannot exceed its owner; revoke is immediate', async () => {
      const admin = await login(ADMIN.email, ADMIN.password, '10.0.0.3');
      const asAdmin = { cookie: admin.cookie, headers: { 'x-csrf-token': admin.csrf } };
      const created = await send('POST', '/v1/users', {
        ...asAdmin,
        json: { email: 'viewer@ops.test', password: 'viewer password', role: 'viewer' },
      });
      expect(created.status).toBe(201);
      const viewer = await login('viewer@ops.test', 'viewer password', '10.0.0.4');
      const asViewer = { cookie: viewer.cookie, headers: { 'x-csrf-token': viewer.csrf } };
      expect((await send('GET', `/v1/workflows/${workflowId}`, asViewer)).status).toBe(200);
      const save = await send('PUT', `/v1/workflows/${workflowId}`, {
        ...asViewer,
        json: { document: { ...exampleDocument('sequential-pipeline'), id: `csrf-${kind}` } },
      });
      expect(save.status).toBe(403);
      expect((await send('GET', '/v1/users', asViewer)).status).toBe(403);

      const tooHigh = await send('POST', '/v1/api-keys', { ...asViewer, json: { name: 'ci', role: 'editor' } });
      expect(tooHigh.status).toBe(403);
      const key = await send('POST', '/v1/api-keys', { ...asViewer, json: { name: 'ci' } });
      expect(key.status).toBe(201);
      const secret = String(field(key.body, 'key'));
      expect(secret.startsWith(String(field(key.body, 'prefix')))).toBe(true);
      const listed = await send('GET', '/v1/api-keys', asViewer);
      expect(JSON.stringify(listed.body)).not.toContain(secret);
      expect((await send('GET', '/v1/workflows', { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
      expect((await send('GET', '/v1/workflows', { headers: { 'x-api-key': secret } })).status).toBe(200);
      const revoked = await send('DELETE', `/v1/api-keys/${String(field(key.body, 'id'))}`, asViewer);
      expect(revoked.status).toBe(204);
      expect((await send('GET', '/v1/workflows', { headers: { 'x-api-key': secret } })).status).toBe(401);
    });

    it('Socket.IO: subscriptions need credentials; a viewer key may subscribe, a revoked one cannot connect', async () => {
      const admin = await login(ADMIN.email, ADMIN.password, '10.0.0.5');
      const key = await send('POST', '/v1/api-keys', {
        cookie: admin.cookie,
        headers: { 'x-csrf-token': admin.csrf },
        json: { name: 'socket', role: 'viewer' },
      });
      const token = String(field(key.body, 'key'));
      const attempt = (auth: Record<string, string>) =>
        new Promise<string>((resolve) => {
          const socket = connect(engine.server.url, { auth, transports: ['websocket'], reconnection: false });
          socket.on('connect_error', (err) => {
            socket.close();
            resolve(`refused: ${err.message}`);
          });
          socket.on('connect', () => {
            socket.emit('subscribe', { runId: 'no-such-run', afterSeq: 0 }, (reply: unknown) => {
              socket.close();
              resolve(`subscribed: ${String(field(reply, 'ok'))}`);
            });
          });
        });
      expect(await attempt({})).toBe('refused: unauthorized');
      expect(await attempt({ token })).toBe('subscribed: true');
      const revoked = await send('DELETE', `/v1/api-keys/${String(field(key.body, 'id'))}`, {
        cookie: admin.cookie,
        headers: { 'x-csrf-token': admin.csrf },
      });
      expect([revoked.status, revoked.body]).toEqual([204, '']);
      expect(await attempt({ token })).toBe('refused: unauthorized');
    });

    it('the audit log records a save, a run and a state edit with the actor; metrics count the run; run log lines are JSON', async () => {
      const admin = await login(ADMIN.email, ADMIN.password, '10.0.0.6');
      await send('POST', '/v1/users', {
        cookie: admin.cookie,
        headers: { 'x-csrf-token': admin.csrf },
        json: { email: 'editor@ops.test', password: 'editor password', role: 'editor' },
      });
      const editor = await login('editor@ops.test', 'editor password', '10.0.0.7');
      const asEditor = { cookie: editor.cookie, headers: { 'x-csrf-token': editor.csrf } };
      const document = exampleDocument('sequential-pipeline');
      const createdWorkflow = await send('POST', '/v1/workflows', { ...asEditor, json: { document } });
      expect(createdWorkflow.status).toBe(201);
      const id = String(field(createdWorkflow.body, 'id'));
      expect((await send('PUT', `/v1/workflows/${id}`, { ...asEditor, json: { document } })).status).toBe(200);
      const started = await send('POST', '/v1/runs', {
        ...asEditor,
        json: { workflowId: id, input: { topic: 'tides' } },
      });
      expect(started.status).toBe(202);
      const runId = String(field(started.body, 'runId'));
      const threadId = String(field(started.body, 'threadId'));
      await engine.runs.settled(runId);
      expect(field((await send('GET', `/v1/runs/${runId}`, asEditor)).body, 'status')).toBe('completed');
      const edited = await send('POST', `/v1/threads/${threadId}/state`, {
        ...asEditor,
        json: { values: { draft: 'edited by hand' } },
      });
      expect(edited.status).toBe(201);

      // The editor may not read the audit log; the admin may, filtered by action.
      expect((await send('GET', '/v1/audit', asEditor)).status).toBe(403);
      const audit = async (action: string) =>
        (field(
          (await send('GET', `/v1/audit?action=${action}`, { cookie: admin.cookie })).body,
          'items',
        ) as unknown[]) ?? [];
      const saved = await audit('workflow.saved');
      expect(saved[0]).toMatchObject({
        action: 'workflow.saved',
        actor: { kind: 'user', email: 'editor@ops.test' },
        target: { workflowId: id },
        ip: '127.0.0.1',
        status: 200,
      });
      expect((await audit('run.started'))[0]).toMatchObject({
        actor: { kind: 'user', email: 'editor@ops.test' },
        target: { runId, threadId },
      });
      expect((await audit('state.edited'))[0]).toMatchObject({
        actor: { kind: 'user', email: 'editor@ops.test' },
        target: { threadId },
      });
      const everything = JSON.stringify(await audit('login'));
      expect(everything).not.toContain('editor password');

      // Metrics: admin credentials (no METRICS_TOKEN set); the run is counted with its workflow.
      expect((await send('GET', '/metrics', asEditor)).status).toBe(403);
      const metrics = await send('GET', '/metrics', { cookie: admin.cookie });
      expect(metrics.status).toBe(200);
      const text = String(metrics.body);
      expect(text).toContain(`flowcraft_runs_total{workflow="${id}",status="completed"} 1`);
      expect(text).toMatch(/flowcraft_node_duration_seconds_count\{type="llm"\} [1-9]/);
      expect(text).toMatch(/flowcraft_model_tokens_total\{model="[^"]+",direction="output"\} [1-9]/);
      expect(text).toMatch(
        /flowcraft_http_request_duration_seconds_count\{route="\/v1\/runs",method="POST",status="202"\} 1/,
      );
      expect(text).toContain('flowcraft_queue_depth 0');
      expect(text).toContain('process_cpu_user_seconds_total');

      // Logs: JSON lines about the run carry its ids.
      const runLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['runId'] === runId);
      expect(runLines.map((l) => l['msg'])).toEqual(expect.arrayContaining(['run started', 'run completed']));
      expect(runLines[0]).toMatchObject({ level: 'info', runId, threadId, workflowId: id, worker: expect.any(String) });
    });

    it('login is rate limited per client address: 429 with Retry-After', async () => {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 4; i++) {
        const res = await send('POST', '/v1/auth/login', {
          json: { email: ADMIN.email, password: 'wrong password' },
          headers: { 'x-forwarded-for': '10.9.9.9' },
        });
        statuses.push(res.status);
        if (res.status === 429) {
          retryAfter = res.headers.get('retry-after');
          expect(field(res.body, 'code')).toBe('rate_limited');
          expect(String(field(res.body, 'instance'))).toBe(`urn:flowcraft:request:${res.headers.get('x-request-id')}`);
        }
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      // Another address is not affected.
      expect((await login(ADMIN.email, ADMIN.password, '10.9.9.10')).csrf).not.toBe('');
    });

    it('readiness: database reachable and every migration applied', async () => {
      const ready = await send('GET', '/v1/ready');
      expect(ready.status).toBe(200);
      expect(field(ready.body, 'checks')).toEqual({ database: true, migrations: true, queue: true });
      const editorPage = await send('GET', '/v1/health');
      expect(editorPage.headers.get('x-content-type-options')).toBe('nosniff');
      expect(editorPage.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    });
  });
}
