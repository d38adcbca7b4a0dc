import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { startEngine } from '../main/engine.js';
import type { Engine } from '../main/engine.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';
import {
  HOSTILE_PATH_VALUES,
  HOSTILE_QUERY_VALUES,
  ODD_TEXT,
  REFUSED_BODIES,
  nested,
} from './testing/hostile-corpus.js';

/** start → code tool that returns NUL and a lone surrogate → human question → end. */
const PROBE = {
  name: 'Hostile probe',
  state: { text: { type: 'string' }, result: { type: 'json' }, answer: { type: 'json' } },
  nodes: [
    { id: 'start', type: 'start', config: { inputs: [{ channel: 'text', label: 'Text' }] } },
    {
      id: 'tool',
      type: 'tool',
      config: {
        tool: 'code',
        code: "return { nul: 'a' + String.fromCharCode(0) + 'b', lone: String.fromCharCode(0xd800), text: input.text };",
        input: 'state',
        output: 'result',
      },
    },
    { id: 'ask', type: 'human', config: { kind: 'input', message: 'Answer?', channel: 'answer' } },
    { id: 'end', type: 'end', config: { outputs: ['result', 'answer'] } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'tool' },
    { id: 'e2', source: 'tool', target: 'ask' },
    { id: 'e3', source: 'ask', target: 'end' },
  ],
};

interface Reply {
  status: number;
  type: string;
  body: unknown;
}

interface Operation {
  method: string;
  path: string;
  operationId: string;
  params: { name: string; in: string }[];
  hasBody: boolean;
}

interface OpenApi {
  paths: Record<
    string,
    Record<string, { operationId: string; parameters?: { name: string; in: string }[]; requestBody?: unknown }>
  >;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

for (const kind of BACKENDS) {
  describe(`hostile values at the edge, every route of the OpenAPI document (${kind})`, () => {
    const database = useTestDatabase(kind);
    let engine: Engine;
    const ids: Record<string, string> = {};

    const send = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${engine.server.url}${path}`, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body }),
      });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, type, body: /json/.test(type) && text !== '' ? JSON.parse(text) : text } as Reply;
    };

    beforeAll(async () => {
      engine = await startEngine({
        config: loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }),
        database: { db: database.db, kind, native: database.native, close: async () => undefined },
        env: {},
        print: () => undefined,
      });
      const created = await send('POST', '/v1/workflows', JSON.stringify({ document: PROBE }));
      expect(created.status).toBe(201);
      ids.workflowId = String(record(created.body).id);
      const started = await send(
        'POST',
        '/v1/runs',
        JSON.stringify({ workflowId: ids.workflowId, input: { text: 'hi' } }),
      );
      expect(started.status).toBe(202);
      ids.runId = String(record(started.body).runId);
      ids.otherRunId = ids.runId;
      ids.threadId = String(record(started.body).threadId);
      await engine.runs.settled(ids.runId);
      const history = await send('GET', `/v1/threads/${ids.threadId}/history`);
      const items = record(history.body).items as { checkpointId: string }[];
      ids.checkpointId = items[items.length - 1]?.checkpointId ?? 'none';
      ids.version = '1';
      ids.name = 'HOSTILE_SECRET';
    });
    afterAll(() => engine?.stop());

    it('stores a NUL and a lone surrogate a code tool returns: the run goes on, the values come back escaped', async () => {
      const run = record((await send('GET', `/v1/runs/${ids.runId}`)).body);
      expect(run.status).toBe('interrupted');
      expect(run.error).toBeNull();
      const events = (await send('GET', `/v1/runs/${ids.runId}/events`)).body;
      const text = JSON.stringify(events);
      expect(text).toContain('a\\\\u0000b');
      expect(text).toContain('\\\\ud800');

      // A resume value with NUL is refused at the edge; the run stays as it was.
      const refused = await send('POST', `/v1/runs/${ids.runId}/resume`, '{"value":"x\\u0000"}');
      expect(refused.status).toBe(422);
      expect(record((await send('GET', `/v1/runs/${ids.runId}`)).body).status).toBe('interrupted');
    });

    it('stores a huge error message truncated to 8 KB with its full size, in run.error and in the events', async () => {
      const thrower = {
        name: 'Thrower',
        state: { result: { type: 'json' } },
        nodes: [
          { id: 'start', type: 'start', config: {} },
          {
            id: 'boom',
            type: 'tool',
            config: { tool: 'code', code: "throw new Error('E'.repeat(1000000));", output: 'result' },
          },
          { id: 'end', type: 'end', config: { outputs: ['result'] } },
        ],
        edges: [
          { id: 'e1', source: 'start', target: 'boom' },
          { id: 'e2', source: 'boom', target: 'end' },
        ],
      };
      const created = await send('POST', '/v1/workflows', JSON.stringify({ document: thrower }));
      const started = await send('POST', '/v1/runs', JSON.stringify({ workflowId: record(created.body).id }));
      const runId = String(record(started.body).runId);
      await engine.runs.settled(runId);
      const run = await send('GET', `/v1/runs/${runId}`);
      const error = record(record(run.body).error);
      expect(record(run.body).status).toBe('failed');
      expect(String(error.message)).toMatch(/\[truncated: \d+ bytes in full\]$/);
      expect(String(error.message).length).toBeLessThan(8300);
      const events = await send('GET', `/v1/runs/${runId}/events`);
      expect(JSON.stringify(events.body).length).toBeLessThan(60_000);
      expect(JSON.stringify(events.body)).toContain('bytes in full]');
    });

    // ~54 operations × their hostile values, one request at a time: 30-40 s on a loaded 2-core machine.
    it('answers problem+json and never 500 to hostile path, query and body values on every operation', {
      timeout: 240_000,
    }, async () => {
      const doc = (await send('GET', '/v1/openapi.json')).body as OpenApi;
      const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({
          method: method.toUpperCase(),
          path,
          operationId: op.operationId,
          params: op.parameters ?? [],
          hasBody: op.requestBody !== undefined,
        })),
      );
      // Deletes last, so the other operations still find the real resources.
      operations.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
      expect(operations.length).toBeGreaterThanOrEqual(36);

      const failures: string[] = [];
      const exercised = new Set<string>();
      let requests = 0;
      const check = async (op: Operation, url: string, body: string | undefined, expectStatus?: number) => {
        requests++;
        const reply = await send(op.method, url, body);
        const where = `${op.method} ${url.slice(0, 120)}${body === undefined ? '' : ` body ${body.slice(0, 60)}`}`;
        if (reply.status >= 500 && reply.status !== 503) failures.push(`${where} → ${reply.status}`);
        else if (
          reply.status >= 400 &&
          (reply.type !== 'application/problem+json' || typeof record(reply.body).code !== 'string')
        )
          failures.push(`${where} → ${reply.status} without problem+json`);
        else if (expectStatus !== undefined && reply.status !== expectStatus)
          failures.push(`${where} → ${reply.status}, expected ${expectStatus}`);
        exercised.add(op.operationId);
      };
      const fill = (path: string, override?: { name: string; value: string }) =>
        path.replace(/\{(\w+)\}/g, (_, name: string) =>
          override?.name === name ? override.value : encodeURIComponent(ids[name] ?? 'unknown'),
        );

      for (const op of operations) {
        const pathParams = op.params.filter((p) => p.in === 'path');
        const queryParams = op.params.filter((p) => p.in === 'query');
        const validBody = op.hasBody ? JSON.stringify(acceptableBody(op.operationId, ids)) : undefined;
        // Hostile path parameters, one at a time, the others real.
        for (const param of pathParams)
          for (const value of HOSTILE_PATH_VALUES)
            await check(op, fill(op.path, { name: param.name, value }), validBody);
        // Hostile query parameters, one at a time.
        for (const param of queryParams)
          for (const value of HOSTILE_QUERY_VALUES)
            await check(
              op,
              `${fill(op.path)}?${param.name}=${value}`,
              validBody,
              expectedQueryStatus(param.name, value),
            );
        // Unknown query parameters with NUL or bad encoding are refused everywhere.
        await check(op, `${fill(op.path)}?zzz=%00`, validBody, 422);
        await check(op, `${fill(op.path)}?zzz=%ff`, validBody, 400);
        if (op.hasBody) {
          for (const body of Object.values(REFUSED_BODIES)) await check(op, fill(op.path), body, 422);
          // Strange but acceptable values travel through to the services and storage.
          await check(op, fill(op.path), validBody);
          await check(
            op,
            fill(op.path),
            '{"version":2147483648,"expectedVersion":1e300,"limit":-0,"input":{"n":1e308}}',
          );
        } else await check(op, fill(op.path), undefined);
      }

      expect(failures).toEqual([]);
      // The acceptable run input (odd text, 120 levels deep, extreme numbers) was stored and came back.
      const runs = (await send('GET', `/v1/runs?workflowId=${ids.workflowId}&limit=100`)).body;
      const stored = (record(runs).items as { input: Record<string, unknown> }[]).find(
        (r) => r.input.text === ODD_TEXT,
      );
      expect(stored?.input).toMatchObject({ max: Number.MAX_VALUE, tiny: Number.MIN_VALUE, unsafe: -(2 ** 63) });
      expect([...exercised].sort()).toEqual(operations.map((op) => op.operationId).sort());
      expect(requests).toBeGreaterThan(500);
      const health = await send('GET', '/v1/health');
      expect(health.status).toBe(200);
    }); // 50+ operations × every hostile value: more than the default 30 s on a busy machine (timeout above).
  });
}

/** Finite numbers at the edges of what JSON, JavaScript and Postgres numeric hold. */
const HUGE_NUMBERS = { max: Number.MAX_VALUE, tiny: Number.MIN_VALUE, unsafe: -(2 ** 63), negZero: -0 };

/** Bad cursors are 400 on every list (never page 1); seqs and versions beyond int4 are 400 (never a 500). */
function expectedQueryStatus(name: string, value: string): number | undefined {
  if (value === '%00') return 422;
  if (value === '%ED%A0%80' || value === '%ff%ff') return 400;
  if (name === 'cursor' && (value === 'AAAA' || value.length > 512)) return 400;
  if ((name === 'afterSeq' || name === 'version') && value === '2147483648') return 400;
  return undefined;
}

/** A body each operation accepts, carrying odd-but-valid text, deep-but-allowed nesting and int4 extremes. */
function acceptableBody(operationId: string, ids: Record<string, string>): unknown {
  const deep = nested(120, ODD_TEXT);
  switch (operationId) {
    case 'createWorkflow':
    case 'validateWorkflow':
      return { document: { ...PROBE, name: ODD_TEXT, description: ODD_TEXT, extra: deep }, message: ODD_TEXT };
    case 'importWorkflow':
      return { ...PROBE, id: 'hostile-import', name: ODD_TEXT };
    case 'updateWorkflow':
      return { document: { ...PROBE, name: ODD_TEXT, extra: deep }, expectedVersion: 2147483647 };
    case 'startRun':
      return { workflowId: ids.workflowId, input: { text: ODD_TEXT, deep, ...HUGE_NUMBERS } };
    case 'cancelRun':
      return { reason: ODD_TEXT.slice(0, 200) };
    case 'resumeRun':
      return { value: deep };
    case 'updateThreadState':
      return { values: { answer: { deep, ...HUGE_NUMBERS }, text: ODD_TEXT }, asNode: 'ask' };
    case 'rerunFromNode':
      return { nodeId: 'tool', checkpointId: ids.checkpointId };
    case 'putSecret':
      return { value: ODD_TEXT };
    default:
      return {};
  }
}

describe('Host and Origin on a key-less engine, over real HTTP and Socket.IO', () => {
  const database = useTestDatabase('pglite');
  let engine: Engine;

  beforeAll(async () => {
    engine = await startEngine({
      config: loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ALLOWED_HOSTS: 'flow.internal' }),
      database: { db: database.db, kind: 'pglite', native: database.native, close: async () => undefined },
      env: {},
      print: () => undefined,
    });
  });
  afterAll(() => engine?.stop());

  /** A raw request with any Host and Origin (fetch would not let the test set Host). */
  const raw = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: engine.server.port, method, path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', text }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('answers 421 problem+json to a rebound Host and runs nothing', async () => {
    const list = await raw('GET', '/v1/workflows', { host: 'attacker.example:4000' });
    expect(list.status).toBe(421);
    expect(list.type).toBe('application/problem+json');
    expect(JSON.parse(list.text)).toMatchObject({ code: 'misdirected_request', status: 421 });
    const run = await raw(
      'POST',
      '/v1/runs',
      { host: 'attacker.example:4000', 'content-type': 'application/json' },
      JSON.stringify({ workflowId: 'anything' }),
    );
    expect(run.status).toBe(421);
    expect((await engine.store.runs.list({})).items).toHaveLength(0);
    for (const host of ['localhost:1', '127.0.0.1', '[::1]:4000', 'flow.internal:443'])
      expect((await raw('GET', '/v1/workflows', { host })).status, host).toBe(200);
  });

  it('answers 403 to a write from a foreign Origin, and lets local pages write', async () => {
    const foreign = await raw(
      'POST',
      '/v1/workflows',
      { host: '127.0.0.1', origin: 'https://attacker.example', 'content-type': 'application/json' },
      JSON.stringify({ document: { name: 'x' } }),
    );
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.text)).toMatchObject({ code: 'forbidden' });
    expect((await engine.store.workflows.list({})).items).toHaveLength(0);
    const local = await raw(
      'POST',
      '/v1/workflows',
      { host: '127.0.0.1', origin: 'http://localhost:5173', 'content-type': 'application/json' },
      JSON.stringify({ document: { name: 'x' } }),
    );
    expect(local.status).toBe(201);
  });

  it('refuses Socket.IO handshakes with a foreign Host or Origin', async () => {
    const handshake = '/socket.io/?EIO=4&transport=polling';
    expect((await raw('GET', handshake, { host: '127.0.0.1' })).status).toBe(200);
    expect((await raw('GET', handshake, { host: 'attacker.example' })).status).toBe(403);
    expect((await raw('GET', handshake, { host: 'localhost', origin: 'https://attacker.example' })).status).toBe(403);
  });
});
