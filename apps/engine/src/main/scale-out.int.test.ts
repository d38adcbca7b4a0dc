import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { TraceEvent } from '@flowcraft/schema';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeReply } from '../realtime/messages.js';
import { createServerDatabase } from '../store/server-database.js';
import type { ServerDatabase } from '../store/server-database.js';
import { REPO_ROOT, freePort, killProcess, startEngineProcess } from './engine-process.js';

/**
 * Scale-out on one PostgreSQL server, with real processes: 2 API processes (FLOWCRAFT_ROLE=api) and
 * 2 workers (FLOWCRAFT_ROLE=worker). Runs started through both APIs execute on both workers; one
 * worker is SIGKILLed mid-flight and its runs are finished by the other from their last checkpoint;
 * a Socket.IO client on one API sees the events of runs executed anywhere, and continues on the
 * other API after a reconnect without gaps; cancel and resume cross processes; a run that kills
 * every worker that takes it ends `failed` with `worker_lost`.
 */
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
type Json = Record<string, unknown>;

const CRASH_MODULE = fileURLToPath(new URL('../node-types/fixtures/crash-process.ts', import.meta.url));
const pipeline = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/sequential-pipeline.json'), 'utf8')) as Json & {
  script: Json;
};
const FINAL = new Set(['run.completed', 'run.failed', 'run.cancelled']);

const POISON = {
  schemaVersion: 1,
  id: 'poison',
  name: 'Poison',
  state: {},
  nodes: [
    { id: 'start', type: 'start', position: { x: 0, y: 0 }, config: {} },
    { id: 'crash', type: 'fixture/crash-process', position: { x: 200, y: 0 }, config: {} },
    { id: 'end', type: 'end', position: { x: 400, y: 0 }, config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'crash' },
    { id: 'e2', source: 'crash', target: 'end' },
  ],
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('API and worker processes on one PostgreSQL server', () => {
  let server: ServerDatabase;
  const children = new Set<ChildProcess>();
  const workers = new Map<string, { port: number; child: ChildProcess }>();
  let api1 = '';
  let api2 = '';
  let common: Record<string, string>;
  /** Respawn a worker that died (the poison run kills them), as an orchestrator would. */
  let respawn = false;
  /** Workers being (re)started: waited for, then killed, at the end. */
  const starting = new Set<Promise<void>>();

  async function startWorker(id: string, port: number): Promise<void> {
    const proc = await startEngineProcess(
      { ...common, FLOWCRAFT_ROLE: 'worker', WORKER_ID: id, PORT: String(port) },
      `Flowcraft worker ${id} ready`,
    );
    children.add(proc.child);
    workers.set(id, { port, child: proc.child });
    proc.child.once('exit', () => {
      children.delete(proc.child);
      if (!respawn) return;
      const again = startWorker(id, port).catch(() => undefined);
      starting.add(again);
      void again.finally(() => starting.delete(again));
    });
  }

  beforeAll(async () => {
    server = await createServerDatabase(undefined, 'flowcraft_scale');
    common = {
      DATABASE_URL: server.url,
      RUN_LEASE_SECONDS: '3',
      QUEUE_POLL_SECONDS: '1',
      WORKER_CONCURRENCY: '30',
      NODE_TYPE_MODULES: CRASH_MODULE,
    };
    const [p1, p2, pw1, pw2] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    // The first API imports the examples into the empty database; then the others start together.
    const a1 = await startEngineProcess({ ...common, FLOWCRAFT_ROLE: 'api', PORT: String(p1) });
    children.add(a1.child);
    api1 = `http://127.0.0.1:${p1}`;
    api2 = `http://127.0.0.1:${p2}`;
    const [a2] = await Promise.all([
      startEngineProcess({ ...common, FLOWCRAFT_ROLE: 'api', PORT: String(p2) }),
      startWorker('w1', pw1),
      startWorker('w2', pw2),
    ]);
    children.add(a2.child);
  }, 600_000);

  afterAll(async () => {
    respawn = false;
    // A worker respawned by the poison test may still be starting: its process joins `children` once ready.
    await Promise.allSettled([...starting]);
    for (const c of [...children]) await killProcess(c);
    await server?.drop();
  });

  async function call(
    base: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Json }> {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Json) : {} };
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await sleep(250);
    }
  }

  async function storedEvents(runId: string): Promise<TraceEvent[]> {
    const { json } = await call(api2, 'GET', `/v1/runs/${runId}/events?afterSeq=0&limit=1000`);
    return json.items as TraceEvent[];
  }

  /** Saves a document through API-1; returns the workflow id the engine gave it. */
  async function save(document: unknown): Promise<string> {
    const { status, json } = await call(api1, 'POST', '/v1/workflows', { document });
    expect(status).toBe(201);
    expect(json, JSON.stringify(json.problems)).toMatchObject({ valid: true });
    return json.id as string;
  }

  function socket(base: string): Client {
    return connect(base, { transports: ['websocket'], forceNew: true, reconnection: false });
  }

  function subscribe(client: Client, runId: string, afterSeq: number): Promise<SubscribeReply> {
    return new Promise((resolve) => client.emit('subscribe', { runId, afterSeq }, resolve));
  }

  it('runs 40 runs from both APIs on both workers; a SIGKILLed worker’s runs finish on the other, every event once', async () => {
    const doc = { ...pipeline, id: 'scale-pipeline', script: { ...pipeline.script, latencyMs: 300 } };
    const workflowId = await save(doc);

    const watcher = socket(api1);
    const seen = new Map<string, TraceEvent[]>();
    watcher.on('event', (e) => seen.set(e.runId, [...(seen.get(e.runId) ?? []), e]));
    await new Promise<void>((resolve) => watcher.once('connect', () => resolve()));

    const runIds: string[] = [];
    for (let i = 0; i < 40; i++) {
      const { status, json } = await call(i % 2 === 0 ? api1 : api2, 'POST', '/v1/runs', {
        workflowId,
        input: { topic: `topic ${i}` },
      });
      expect(status).toBe(202);
      runIds.push(json.runId as string);
      expect((await subscribe(watcher, json.runId as string, 0)).ok).toBe(true);
    }

    const log = (text: string) => console.log(`[scale-out ${new Date().toISOString()}] ${text}`);
    log('40 runs started');
    // Both workers execute runs (then worker 1 dies).
    const onW1 = await waitFor('runs on both workers', async () => {
      const { json } = await call(api1, 'GET', '/v1/runs?status=running&limit=100');
      const items = json.items as { id: string; worker: string | null }[];
      const w1 = items.filter((r) => r.worker === 'w1').map((r) => r.id);
      return w1.length > 0 && items.some((r) => r.worker === 'w2') ? w1 : undefined;
    });
    // One client reads a run of worker 1 on API-1, drops, and continues on API-2 from the last seq it saw.
    const roaming = onW1[0] as string;
    const roamed: TraceEvent[] = [];
    const first = socket(api1);
    first.on('event', (e) => {
      if (e.runId === roaming) roamed.push(e);
    });
    await subscribe(first, roaming, 0);
    await waitFor('the roaming client to see events', async () => (roamed.length >= 2 ? true : undefined));
    first.disconnect();
    log(`killing w1 (executing ${onW1.length} runs)`);
    const w1 = workers.get('w1');
    if (!w1) throw new Error('no worker 1');
    await killProcess(w1.child);
    // The runs worker 1 held when it died (still `running` on it: nobody has taken them over yet).
    const lost = ((await call(api1, 'GET', '/v1/runs?status=running&limit=100')).json.items as Json[])
      .filter((r) => r.worker === 'w1')
      .map((r) => r.id as string);
    log(`w1 died holding ${lost.length} runs`);
    const lastRoamed = roamed.at(-1)?.seq ?? 0;
    const second = socket(api2);
    const roamDone = new Promise<void>((resolve) => {
      if (roamed.some((e) => FINAL.has(e.type))) resolve();
      second.on('event', (e) => {
        if (e.runId !== roaming) return;
        roamed.push(e);
        if (FINAL.has(e.type)) resolve();
      });
    });
    expect((await subscribe(second, roaming, lastRoamed)).ok).toBe(true);

    const finals = await waitFor(
      'all 40 runs to finish',
      async () => {
        const runs = await Promise.all(runIds.map(async (id) => (await call(api2, 'GET', `/v1/runs/${id}`)).json));
        return runs.every((r) => ['completed', 'failed', 'cancelled'].includes(r.status as string)) ? runs : undefined;
      },
      120_000,
    );
    log(`all runs finished; roaming client has ${roamed.length} events`);
    await roamDone;
    log('roaming client saw its run finish');
    second.disconnect();
    // The last live events reach the watcher (the API reads them when their NOTIFY arrives).
    await waitFor(
      'the watcher to see every run end',
      async () => (runIds.every((id) => (seen.get(id) ?? []).some((e) => FINAL.has(e.type))) ? true : undefined),
      30_000,
    ).catch(async (err) => {
      for (const id of runIds.filter((r) => !(seen.get(r) ?? []).some((e) => FINAL.has(e.type)))) {
        const stored = await storedEvents(id);
        log(
          `${id} watcher saw ${(seen.get(id) ?? []).map((e) => e.seq).join(',')}; stored ${stored.map((e) => `${e.seq}:${e.type}`).join(' ')}`,
        );
      }
      throw err;
    });
    watcher.disconnect();

    expect(finals.map((r) => r.status)).toEqual(runIds.map(() => 'completed'));
    expect(lost.length).toBeGreaterThan(0);
    for (const run of finals) {
      if (lost.includes(run.id as string)) {
        expect(run.worker).toBe('w2');
        expect(run.attempt as number).toBeGreaterThanOrEqual(2);
      }
    }
    for (const id of runIds) {
      // A run's final transition comes first, its final event right after: wait for the event.
      const events = await waitFor(`the final event of ${id}`, async () => {
        const stored = await storedEvents(id);
        return stored.some((e) => FINAL.has(e.type)) ? stored : undefined;
      });
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'run.started')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'run.completed')).toHaveLength(1);
      const finished = events.flatMap((e) => (e.type === 'node.finished' ? [`${e.nodeId}@${e.step}`] : []));
      // A task's node.finished is stored with its writes, in one transaction, and each step's
      // checkpoint before the next step starts: a node that finished on the killed worker is never
      // run (or shown finished) again; one it had not finished runs on the other worker.
      if (finished.length !== new Set(finished).size) log(`${id}: ${finished.join(' ')}`);
      expect(new Set(finished).size).toBe(finished.length);
      expect([...new Set(finished)].map((f) => f.split('@')[0])).toEqual([
        'start',
        'researcher',
        'outliner',
        'writer',
        'end',
      ]);
      // The client on API-1 got every event of every run — executed on either worker — once, in order.
      expect((seen.get(id) ?? []).map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    }
    expect(roamed.map((e) => e.seq)).toEqual(roamed.map((_, i) => i + 1));
    expect(roamed.at(-1)?.type).toBe('run.completed');

    // Each worker exposes its own Prometheus metrics: worker 2 counted the runs it completed.
    const w2 = workers.get('w2');
    const scraped = await fetch(`http://127.0.0.1:${w2?.port}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/flowcraft_runs_total\{workflow="[^"]+",status="completed"\} [1-9]/);
    log('checks done; restarting w1');
    // Worker 1 comes back under its id; GET /v1/queue shows both workers live again.
    await startWorker('w1', w1.port);
    log('w1 restarted');
    const queue = await waitFor('both workers in the queue view', async () => {
      const { json } = await call(api2, 'GET', '/v1/queue');
      const ids = (json.workers as { id: string }[]).map((w) => w.id).sort();
      return ids.includes('w1') && ids.includes('w2') ? json : undefined;
    });
    expect(queue).toMatchObject({ depth: 0 });
    // Each shows the process holding its id: the restarted w1 is its new process.
    const restarted = workers.get('w1')?.child.pid;
    expect((queue.workers as Json[]).find((w) => w.id === 'w1')).toMatchObject({
      host: expect.any(String),
      pid: restarted,
    });
  }, 420_000);

  it('cancels through one API a run a worker executes, and resumes through the other API a run paused on a worker', async () => {
    const slow = { ...pipeline, id: 'slow-pipeline', script: { ...pipeline.script, latencyMs: 5000 } };
    const slowId = await save(slow);
    const started = await call(api1, 'POST', '/v1/runs', { workflowId: slowId, input: { topic: 'x' } });
    expect(started.status).toBe(202);
    const runId = started.json.runId as string;
    await waitFor('the slow run to run', async () => {
      const { json } = await call(api2, 'GET', `/v1/runs/${runId}`);
      return json.status === 'running' ? json : undefined;
    });
    const t0 = Date.now();
    expect((await call(api2, 'POST', `/v1/runs/${runId}/cancel`)).status).toBe(202);
    await waitFor(
      'the cancel',
      async () => {
        const { json } = await call(api1, 'GET', `/v1/runs/${runId}`);
        return json.status === 'cancelled' ? json : undefined;
      },
      20_000,
    );
    // The NOTIFY reaches the worker at once: well before the 5 s model call would end.
    expect(Date.now() - t0).toBeLessThan(4000);
    const events = await storedEvents(runId);
    expect(events.filter((e) => e.type === 'run.cancelled')).toHaveLength(1);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

    const human = await call(api1, 'POST', '/v1/runs', { workflowId: 'human-approval', input: { topic: 'launch' } });
    expect(human.status).toBe(202);
    const humanId = human.json.runId as string;
    await waitFor('the approval step', async () => {
      const { json } = await call(api1, 'GET', `/v1/runs/${humanId}`);
      return json.status === 'interrupted' ? json : undefined;
    });
    expect((await call(api2, 'POST', `/v1/runs/${humanId}/resume`, { value: { action: 'approve' } })).status).toBe(202);
    const done = await waitFor('the approved run', async () => {
      const { json } = await call(api1, 'GET', `/v1/runs/${humanId}`);
      return json.status === 'completed' ? json : undefined;
    });
    expect(done.attempt).toBe(2);
    const humanEvents = await storedEvents(humanId);
    expect(humanEvents.map((e) => e.seq)).toEqual(humanEvents.map((_, i) => i + 1));
    expect(humanEvents.filter((e) => e.type === 'node.finished' && e.nodeId === 'publish')).toHaveLength(1);
  }, 120_000);

  it('refuses a second process started with a live worker’s id; that worker’s runs are left alone', async () => {
    const slow = { ...pipeline, id: 'slower-pipeline', script: { ...pipeline.script, latencyMs: 2500 } };
    const slowId = await save(slow);
    const started = await call(api1, 'POST', '/v1/runs', { workflowId: slowId, input: { topic: 'twin' } });
    const runId = started.json.runId as string;
    const running = await waitFor('the run to run', async () => {
      const { json } = await call(api2, 'GET', `/v1/runs/${runId}`);
      return json.status === 'running' && typeof json.worker === 'string' ? json : undefined;
    });
    const holder = running.worker as string;
    // The same WORKER_ID again (a copied configuration): before, it re-queued the live worker's runs
    // as its own "recovered" ones and both executed them.
    const twin = await startEngineProcess(
      { ...common, FLOWCRAFT_ROLE: 'worker', WORKER_ID: holder, PORT: String(await freePort()) },
      `Flowcraft worker ${holder} ready`,
    ).then(
      (p) => {
        children.add(p.child);
        return 'started';
      },
      (err: unknown) => String(err),
    );
    expect(twin).toMatch(/engine exited with 1/);
    expect(twin).toMatch(new RegExp(`Worker id "${holder}" is held by another live process: process \\d+ on `));
    expect(twin).not.toMatch(/Recovered runs/);
    const done = await waitFor('the run to finish', async () => {
      const { json } = await call(api1, 'GET', `/v1/runs/${runId}`);
      return json.status === 'completed' || json.status === 'failed' ? json : undefined;
    });
    expect(done).toMatchObject({ status: 'completed', attempt: 1, worker: holder });
    const events = await storedEvents(runId);
    expect(events.filter((e) => e.type === 'node.started')).toHaveLength(5);
    const { json: queue } = await call(api2, 'GET', '/v1/queue');
    expect((queue.workers as Json[]).filter((w) => w.id === holder)).toMatchObject([
      { pid: workers.get(holder)?.child.pid },
    ]);
  }, 120_000);

  it('fails a run that kills every worker taking it with worker_lost after its attempts, and the workers go on', async () => {
    respawn = true;
    const poisonId = await save(POISON);
    const started = await call(api2, 'POST', '/v1/runs', { workflowId: poisonId, input: {} });
    expect(started.status).toBe(202);
    const runId = started.json.runId as string;
    const failed = await waitFor(
      'the poison run to fail',
      async () => {
        const { json } = await call(api1, 'GET', `/v1/runs/${runId}`);
        return json.status === 'failed' ? json : undefined;
      },
      150_000,
    );
    expect(failed.error).toMatchObject({ code: 'worker_lost' });
    expect(failed.attempt).toBe(3);
    const events = await storedEvents(runId);
    expect(events.filter((e) => e.type === 'run.started')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: 'run.failed', error: { code: 'worker_lost' } });

    // The workers (respawned) still take work.
    respawn = false;
    const ok = await call(api1, 'POST', '/v1/runs', { workflowId: 'sequential-pipeline', input: { topic: 'after' } });
    const okId = ok.json.runId as string;
    await waitFor('a run after the poison', async () => {
      const { json } = await call(api2, 'GET', `/v1/runs/${okId}`);
      return json.status === 'completed' ? json : undefined;
    });
  }, 240_000);
});
