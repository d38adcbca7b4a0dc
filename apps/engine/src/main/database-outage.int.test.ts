import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { TraceEvent } from '@flowcraft/schema';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeReply } from '../realtime/messages.js';
import { loadConfig } from '../config/config.js';
import { OutageProxy } from '../store/outage-proxy.js';
import { createServerDatabase } from '../store/server-database.js';
import type { ServerDatabase } from '../store/server-database.js';
import { type Engine, startEngine } from './engine.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const EXAMPLES = fileURLToPath(new URL('../../../../examples', import.meta.url));
const pipeline = JSON.parse(readFileSync(`${EXAMPLES}/sequential-pipeline.json`, 'utf8')) as Record<string, unknown> & {
  script: Record<string, unknown>;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The database goes away while runs execute — every connection ended by the server, new ones refused
 * for 1.5 s, as a PostgreSQL restart looks to a client — and comes back. Runs caught mid-flight are neither failed
 * with a storage error nor left `running` for good: they are handed back to the queue and resume
 * from their last checkpoint, every trace contiguous with each node finished once. Meanwhile the API
 * answers 503 with `Retry-After`. An API process and a worker process (two engines here, both behind
 * the cut): a Socket.IO client on the API receives every event of every run once, in order, also
 * those stored while the API's LISTEN connection was away.
 */
describe('a database outage while runs execute (postgres)', () => {
  let server: ServerDatabase;
  let proxy: OutageProxy;
  let api: Engine | undefined;
  let worker: Engine | undefined;
  let observer: postgres.Sql;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await createServerDatabase(process.env.DATABASE_URL || undefined, 'flowcraft_outage');
    proxy = await OutageProxy.start(server.url);
    // The test reads the database directly, past the proxy.
    observer = postgres(server.url, { max: 1, onnotice: () => {} });
    const start = (role: 'api' | 'worker') =>
      startEngine({
        config: loadConfig({
          PORT: '0',
          LOG_LEVEL: 'silent',
          DATABASE_URL: proxy.rewrite(server.url),
          FLOWCRAFT_ROLE: role,
          WORKER_ID: 'outage-worker',
          RUN_LEASE_SECONDS: '3',
          QUEUE_POLL_SECONDS: '1',
        }),
        examplesDir: EXAMPLES,
        env: {},
        print: (text) => errors.push(text),
      });
    api = await start('api');
    worker = await start('worker');
  }, 60_000);
  afterAll(async () => {
    await proxy?.restore().catch(() => undefined);
    await worker?.stop();
    await api?.stop();
    await observer?.end();
    await proxy?.close();
    await server?.drop();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api?.server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  // A fast restart as the clients see it: new connections refused, every open one ended by the
  // server (57P01, then the close). A network failure: the same, but the sockets cut with no word
  // from the server (postgres.js 3.4.9 as published left queries unsettled: runs stuck `running`).
  const outages = {
    restart: async () => {
      await proxy.outage();
      await observer`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    },
    'network cut': () => proxy.cut(),
  };

  it.each(Object.keys(outages) as (keyof typeof outages)[])(
    '%s: hands the runs it cut back to the queue; each finishes from its last checkpoint, every node once',
    async (kind) => {
      const saved = await call('POST', '/v1/workflows', {
        document: {
          ...pipeline,
          id: `outage-${kind.replace(' ', '-')}`,
          script: { ...pipeline.script, latencyMs: 200 },
        },
      });
      expect(saved.status).toBe(201);
      const client: Client = connect(api?.server.url ?? '', { transports: ['websocket'], forceNew: true });
      const seen = new Map<string, TraceEvent[]>();
      client.on('event', (e) => seen.set(e.runId, [...(seen.get(e.runId) ?? []), e]));
      await new Promise<void>((resolve) => client.once('connect', () => resolve()));
      const runIds: string[] = [];
      for (let i = 0; i < 12; i++) {
        const started = await call('POST', '/v1/runs', { workflowId: saved.json.id, input: { topic: `topic ${i}` } });
        expect(started.status).toBe(202);
        runIds.push(started.json.runId as string);
        const reply = await new Promise<SubscribeReply>((resolve) =>
          client.emit('subscribe', { runId: started.json.runId as string, afterSeq: 0 }, resolve),
        );
        expect(reply.ok).toBe(true);
      }
      // Cut while runs are between steps: some nodes finished, no run finished yet.
      for (;;) {
        const [row] = await observer<{ finished: number; done: number }[]>`
        select (select count(*)::int from run_events where run_id = any(${runIds}) and type = 'node.finished') as finished,
               (select count(*)::int from runs where id = any(${runIds}) and status = 'completed') as done`;
        if ((row?.finished ?? 0) >= 12 || (row?.done ?? 0) > 0) break;
        await sleep(20);
      }
      await outages[kind]();
      // Meanwhile the API answers 503 with Retry-After (clients and load balancers retry), not a 500.
      const during = await fetch(`${api?.server.url}/v1/runs/${runIds[0]}`);
      expect(during.status).toBe(503);
      expect(during.headers.get('retry-after')).toBe('2');
      expect(await during.json()).toMatchObject({ code: 'unavailable' });
      await sleep(1_500);
      await proxy.restore();

      const until = Date.now() + 60_000;
      let runs: { id: string; status: string; attempt: number; recoveries: number }[] = [];
      for (;;) {
        runs =
          await observer`select id, status::text as status, attempt, recoveries from runs where id = any(${runIds})`;
        if (runs.every((r) => ['completed', 'failed', 'cancelled'].includes(r.status))) break;
        if (Date.now() > until) throw new Error(`runs still unfinished: ${JSON.stringify(runs)}\n${errors.join('\n')}`);
        await sleep(200);
      }
      expect(runs.map((r) => r.status)).toEqual(runIds.map(() => 'completed'));
      // The outage cut executions: those runs were handed back and executed again.
      const handedBack = runs.filter((r) => r.recoveries > 0);
      expect(handedBack.length).toBeGreaterThan(0);
      for (const r of handedBack) expect(r.attempt).toBeGreaterThanOrEqual(2);
      // Model calls are paid for whichever attempt made them: each run's usage covers all its calls
      // (250 in / 149 out for one pass; a call the cut interrupted is paid again by the next attempt).
      const usage = await observer<{ id: string; tokens_in: number; tokens_out: number }[]>`
        select id, tokens_in, tokens_out from runs where id = any(${runIds})`;
      for (const u of usage) expect(u.tokens_in >= 250 && u.tokens_out >= 149, JSON.stringify(u)).toBe(true);

      for (const id of runIds) {
        const events = await observer<{ seq: number; type: string; node_id: string | null; step: number | null }[]>`
        select seq, type, node_id, (payload->>'step')::int as step from run_events where run_id = ${id} order by seq`;
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
        expect(events.filter((e) => e.type === 'run.started')).toHaveLength(1);
        expect(events.filter((e) => e.type === 'run.failed')).toEqual([]);
        expect(events.at(-1)?.type).toBe('run.completed');
        const finished = events.flatMap((e) => (e.type === 'node.finished' ? [`${e.node_id}@${e.step}`] : []));
        expect(new Set(finished).size).toBe(finished.length);
        expect(finished.map((f) => f.split('@')[0])).toEqual(['start', 'researcher', 'outliner', 'writer', 'end']);
        // The client on the API got each of them live, once, in order — across the outage.
        const live = async () => (seen.get(id) ?? []).at(-1)?.type === 'run.completed';
        for (const until = Date.now() + 10_000; !(await live()) && Date.now() < until; ) await sleep(50);
        expect((seen.get(id) ?? []).map((e) => e.seq)).toEqual(events.map((e) => e.seq));
      }
      client.disconnect();
    },
    120_000,
  );
});
