import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config/config.js';
import { startEngine } from '../main/engine.js';
import type { Engine } from '../main/engine.js';
import { BACKENDS, useTestDatabase } from '../store/test-database.js';

/** User data that a failing query carries as a parameter; it must not come back in any error. */
const MARKER = 'leak-marker-4711';
const LEAKS = [MARKER, 'Failed query', 'insert into', 'params:'];

const ECHO = {
  name: 'Echo',
  state: { text: { type: 'string' } },
  nodes: [
    { id: 'start', type: 'start', config: { inputs: [{ channel: 'text', label: 'Text' }] } },
    { id: 'end', type: 'end', config: { outputs: ['text'] } },
  ],
  edges: [{ id: 'e1', source: 'start', target: 'end' }],
};

function leaksIn(text: string): string[] {
  return LEAKS.filter((leak) => text.toLowerCase().includes(leak.toLowerCase()));
}

for (const kind of BACKENDS) {
  describe(`a forced database error leaks neither SQL nor parameters (${kind})`, () => {
    // A database of its own: the test adds CHECK constraints that make chosen writes fail.
    const database = useTestDatabase(kind, { fresh: true });
    let engine: Engine;
    let logged: string[] = [];

    beforeAll(async () => {
      engine = await startEngine({
        config: loadConfig({ PORT: '0', LOG_LEVEL: 'info' }),
        database: { db: database.db, kind, native: database.native, close: async () => undefined },
        env: {},
        print: () => undefined,
      });
      await database.db.execute(
        sql.raw(`alter table workflows add constraint leak_probe check (name not like '%${MARKER}%')`),
      );
      await database.db.execute(
        sql.raw(`alter table run_events add constraint leak_probe check (payload::text not like '%${MARKER}%')`),
      );
    });
    afterAll(() => engine?.stop());

    const capture = () => {
      logged = [];
      for (const stream of [process.stdout, process.stderr])
        vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
          logged.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
          return true;
        });
    };
    afterEach(() => vi.restoreAllMocks());

    const send = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${engine.server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, text: await res.text() };
    };

    it('answers an opaque 500 and logs only the SQLSTATE at info level', async () => {
      capture();
      const res = await send('POST', '/v1/workflows', { document: { ...ECHO, name: `Report ${MARKER}` } });
      vi.restoreAllMocks();
      expect(res.status).toBe(500);
      expect(JSON.parse(res.text)).toMatchObject({ code: 'internal' });
      expect(leaksIn(res.text)).toEqual([]);
      const log = logged.join('');
      expect(log).toContain('SQLSTATE 23514');
      expect(leaksIn(log)).toEqual([]);
    });

    it('fails a run whose events cannot be stored with the SQLSTATE only: run.error, events and logs', async () => {
      const created = await send('POST', '/v1/workflows', { document: ECHO });
      expect(created.status).toBe(201);
      const workflowId = String((JSON.parse(created.text) as { id: string }).id);
      capture();
      const started = await send('POST', '/v1/runs', { workflowId, input: { text: `secret ${MARKER}` } });
      expect(leaksIn(started.text)).toEqual([]);
      expect(started.status).toBe(202);
      const runId = (JSON.parse(started.text) as { runId: string }).runId;
      await engine.runs.settled(runId);
      vi.restoreAllMocks();

      const run = JSON.parse((await send('GET', `/v1/runs/${runId}`)).text) as { status: string; error: unknown };
      expect(run.status).toBe('failed');
      expect(run.error).toMatchObject({ code: 'internal', message: 'A storage error occurred (SQLSTATE 23514).' });
      const stored = await engine.store.runs.get(runId);
      expect(leaksIn(JSON.stringify(stored.error))).toEqual([]);
      const events = (await send('GET', `/v1/runs/${runId}/events`)).text;
      expect(events).toContain('run.failed');
      expect(leaksIn(events)).toEqual([]);
      expect(leaksIn(logged.join(''))).toEqual([]);
    });
  });
}
