import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { startEngine } from '../main/engine.js';
import type { Engine } from '../main/engine.js';

/** The issue-12 poison pill: a template that recursed forever and froze the engine for good. */
const POISON = '($f := function($n){ $f($n + 1) }; $f(0))';

const poisoned = {
  id: 'poisoned',
  name: 'Poisoned prompt',
  state: { topic: { type: 'string', default: 'tides' }, answer: { type: 'string' } },
  nodes: [
    { id: 'start', type: 'start', config: { inputs: [{ channel: 'topic' }] } },
    {
      id: 'writer',
      type: 'llm',
      config: { model: 'scripted:m', prompt: `Write about {{ ${POISON} }}`, output: 'answer' },
    },
    { id: 'end', type: 'end', config: { outputs: ['answer'] } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'writer' },
    { id: 'e2', source: 'writer', target: 'end' },
  ],
  script: { default: { content: 'never reached' } },
};

/**
 * A poison expression fails its node with `expression_limit` within the budget; the engine answers
 * health while it runs; the failed run is not resumed when the engine restarts on the same database.
 */
describe('a poison expression cannot freeze the engine', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowcraft-poison-'));
  const engines: Engine[] = [];
  const start = async () => {
    const engine = await startEngine({
      config: loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir }),
      env: {},
      print: () => {},
    });
    engines.push(engine);
    return engine;
  };
  afterAll(async () => {
    for (const e of engines) await e.stop();
  });

  it('fails the node, keeps answering, and stays failed after a restart', async () => {
    const first = await start();
    const call = async (url: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const created = await call(first.server.url, '/v1/workflows', { document: poisoned });
    expect(created.status).toBe(201);
    const started = await call(first.server.url, '/v1/runs', { workflowId: created.body.id, input: {} });
    expect(started.body).toMatchObject({ runId: expect.any(String) });
    const runId = started.body.runId as string;
    // Health is answered all along; the run ends on its own.
    const health: number[] = [];
    let run: Record<string, unknown> = {};
    for (let i = 0; i < 300; i++) {
      health.push((await call(first.server.url, '/v1/health')).status);
      run = (await call(first.server.url, `/v1/runs/${runId}`)).body;
      if (run.status !== 'queued' && run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((s) => s === 200)).toBe(true);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'expression_limit', nodeId: 'writer' });
    const events = (await call(first.server.url, `/v1/runs/${runId}/events`)).body.items as { type: string }[];
    await first.stop();

    const second = await start();
    const after = (await call(second.server.url, `/v1/runs/${runId}`)).body;
    expect(after).toMatchObject({ status: 'failed', error: { code: 'expression_limit' } });
    const eventsAfter = (await call(second.server.url, `/v1/runs/${runId}/events`)).body.items as unknown[];
    expect(eventsAfter).toHaveLength(events.length);
    expect(second.runs.executing).toBe(0);
  });
});
