import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { createServerDatabase } from '../store/server-database.js';
import type { ServerDatabase } from '../store/server-database.js';
import { type Engine, startEngine } from './engine.js';

const EXAMPLES = fileURLToPath(new URL('../../../../examples', import.meta.url));
const FINISHED = ['completed', 'failed', 'interrupted', 'cancelled'];

/**
 * `DATABASE_URL=…?max=1`: the engine opens its database itself (as `pnpm start` does), migrates it,
 * imports the examples and executes runs on a store pool of one connection (the queue's pool capped
 * to one too). It once hung at start: the migration lock held the pool's only connection while the
 * migrator waited for another. Bounded timeouts: a regression fails instead of hanging.
 */
describe('the engine on a pool of one connection (?max=1)', () => {
  let server: ServerDatabase;
  let engine: Engine | undefined;

  beforeAll(async () => {
    server = await createServerDatabase(process.env.DATABASE_URL || undefined, 'flowcraft_small_pool');
    engine = await startEngine({
      config: loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: `${server.url}?max=1` }),
      examplesDir: EXAMPLES,
      env: {},
      print: () => undefined,
    });
  }, 30_000);
  afterAll(async () => {
    await engine?.stop();
    await server?.drop();
  });

  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${engine?.server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  const start = async (workflowId: string, input: Record<string, unknown>) => {
    const started = await call<{ runId: string }>('POST', '/v1/runs', { workflowId, input });
    expect(started.status).toBe(202);
    return started.body.runId;
  };

  const settled = async (runId: string) => {
    for (;;) {
      const run = await call<{ status: string }>('GET', `/v1/runs/${runId}`);
      if (FINISHED.includes(run.body.status)) return run.body.status;
      await new Promise((ok) => setTimeout(ok, 50));
    }
  };

  it('runs concurrent runs and a paused one resumed to the end', async () => {
    expect((await call('GET', '/v1/health')).body).toMatchObject({ status: 'ok' });
    const runs = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => start('sequential-pipeline', { topic: `topic ${i}` })),
      ...Array.from({ length: 4 }, (_, i) => start('parallel-fan-out', { proposal: `proposal ${i}` })),
    ]);
    expect(await Promise.all(runs.map(settled))).toEqual(runs.map(() => 'completed'));

    const paused = await start('human-approval', { topic: 'a pool of one' });
    expect(await settled(paused)).toBe('interrupted');
    expect((await call('POST', `/v1/runs/${paused}/resume`, { value: 'approve' })).status).toBe(202);
    expect(await settled(paused)).toBe('completed');

    // The pools stayed at one connection each: the store's ('postgres.js', plus its one LISTEN
    // connection) and the queue's.
    const observer = postgres(server.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await observer<{ name: string; n: number }[]>`
        select application_name as name, count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() group by 1 order by 1`;
      expect(Object.fromEntries(rows.map((r) => [r.name, r.n]))).toEqual({ 'flowcraft-queue': 1, 'postgres.js': 2 });
    } finally {
      await observer.end({ timeout: 5 });
    }
  }, 30_000);
});
