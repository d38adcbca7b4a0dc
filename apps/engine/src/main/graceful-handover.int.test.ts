import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { exampleDocument } from '../http/testing/index.js';
import { createServerDatabase } from '../store/server-database.js';
import type { ServerDatabase } from '../store/server-database.js';
import { type Engine, startEngine } from './engine.js';

const pipeline = exampleDocument('sequential-pipeline') as Record<string, unknown> & {
  script: Record<string, unknown>;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A worker stopped gracefully (SIGTERM) while it executes runs: it takes no new run, lets runs in
 * flight finish for a while, and hands back the ones still going; another worker resumes them from
 * their last checkpoint. The node that was interrupted says so (`node.failed`, cancelled) and runs
 * again on the other worker; no node finishes twice, `run.started` once, the trace contiguous.
 */
describe('a worker stopped while it executes runs (postgres)', () => {
  let server: ServerDatabase;
  let observer: postgres.Sql;
  const engines: Engine[] = [];
  const start = async (role: 'api' | 'worker', id?: string) => {
    const engine = await startEngine({
      config: loadConfig({
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATABASE_URL: server.url,
        FLOWCRAFT_ROLE: role,
        QUEUE_POLL_SECONDS: '1',
        ...(id ? { WORKER_ID: id } : {}),
      }),
      env: {},
      print: () => undefined,
    });
    engines.push(engine);
    return engine;
  };

  beforeAll(async () => {
    server = await createServerDatabase(process.env.DATABASE_URL || undefined, 'flowcraft_handover');
    observer = postgres(server.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    for (const e of engines.reverse()) await e.stop().catch(() => undefined);
    await observer?.end();
    await server?.drop();
  });

  it('hands back the runs it could not finish; the other worker resumes them, each node finished once', async () => {
    const api = await start('api');
    const first = await start('worker', 'handover-w1');
    const call = async (path: string, body: unknown) => {
      const res = await fetch(`${api.server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await res.json()) as Record<string, unknown>;
    };
    // Each model call takes 3 s: a run takes about 9 s, time enough for the second worker to start.
    const saved = await call('/v1/workflows', {
      document: { ...pipeline, id: 'handover', script: { ...pipeline.script, latencyMs: 3_000 } },
    });
    const runIds = await Promise.all(
      [0, 1, 2].map(async (i) =>
        String((await call('/v1/runs', { workflowId: saved.id, input: { topic: `t${i}` } })).runId),
      ),
    );
    // All three executing on the first worker, each inside its first model call.
    for (const until = Date.now() + 20_000; ; await sleep(50)) {
      const [row] = await observer<{ n: number }[]>`
        select count(*)::int as n from run_events where run_id = any(${runIds}) and type = 'node.started' and node_id = 'researcher'`;
      if ((row?.n ?? 0) === 3) break;
      if (Date.now() > until) throw new Error('runs did not start');
    }
    const second = await start('worker', 'handover-w2');
    // SIGTERM's path (`stop`), with a short wait for the runs in flight (default 10 s).
    const t0 = performance.now();
    await first.worker?.stop(200);
    expect(performance.now() - t0).toBeLessThan(3_000);
    const handedBack = await observer<{ status: string; worker: string | null }[]>`
      select status::text as status, worker from runs where id = any(${runIds})`;
    // Queued again, or already taken by the other worker: none left with the stopped one.
    for (const r of handedBack)
      expect(r.status === 'queued' || (r.status === 'running' && r.worker === 'handover-w2'), JSON.stringify(r)).toBe(
        true,
      );

    let runs: { id: string; status: string; attempt: number; worker: string }[] = [];
    for (const until = Date.now() + 30_000; ; await sleep(200)) {
      runs = await observer`select id, status::text as status, attempt, worker from runs where id = any(${runIds})`;
      if (runs.every((r) => r.status !== 'queued' && r.status !== 'running')) break;
      if (Date.now() > until) throw new Error(`runs unfinished: ${JSON.stringify(runs)}`);
    }
    expect(runs.map((r) => [r.status, r.attempt, r.worker])).toEqual(runIds.map(() => ['completed', 2, 'handover-w2']));
    for (const id of runIds) {
      const events = await observer<{ seq: number; type: string; node_id: string | null; code: string | null }[]>`
        select seq, type, node_id, payload->'error'->>'code' as code from run_events where run_id = ${id} order by seq`;
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'run.started')).toHaveLength(1);
      expect(events.at(-1)?.type).toBe('run.completed');
      // The interrupted call (the researcher's, or the next one's if the second worker was slow to
      // start): cancelled on the first worker, run again on the second.
      const failed = events.filter((e) => e.type === 'node.failed');
      expect(failed.map((e) => e.code)).toEqual(['cancelled']);
      expect(['researcher', 'outliner', 'writer']).toContain(failed[0]?.node_id);
      expect(events.filter((e) => e.type === 'node.finished').map((e) => e.node_id)).toEqual([
        'start',
        'researcher',
        'outliner',
        'writer',
        'end',
      ]);
    }
    await second.stop();
  }, 60_000);
});
