import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { CaseResult, ExperimentDetail, ExperimentProgress } from '@flowcraft/schema';
import type { ClientToServerEvents, ServerToClientEvents, WatchExperimentReply } from '../realtime/messages.js';
import { REPO_ROOT, freePort, killProcess, startEngineProcess } from '../main/engine-process.js';
import { createServerDatabase } from '../store/server-database.js';
import type { ServerDatabase } from '../store/server-database.js';

/**
 * Experiments are not held by any process: on one PostgreSQL server, an experiment posted to an
 * API process (FLOWCRAFT_ROLE=api, which never drives nor executes) is driven by a worker process
 * (its job on the experiment queue); the worker driving it is SIGKILLed mid-experiment and the
 * other worker resumes it from the database (cases already judged are kept, case runs already
 * created are re-attached, none is started twice); a Socket.IO client on the API sees the progress
 * live; a single case is re-run through the API and judged by a worker.
 */
type Json = Record<string, unknown>;
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const CASES = 24;
const REQUESTS = [
  ['Please write a blog post about our new search', 'content'],
  ['I found a bug in the checkout loop', 'code'],
  ['hello, can you help me?', 'fallback'],
] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('experiments driven by worker processes on PostgreSQL', () => {
  let server: ServerDatabase;
  let sql: postgres.Sql;
  const children = new Set<ChildProcess>();
  const workers = new Map<string, ChildProcess>();
  const outputs = new Map<string, () => string>();
  let api = '';

  beforeAll(async () => {
    server = await createServerDatabase(undefined, 'flowcraft_durable_exp');
    const common = {
      DATABASE_URL: server.url,
      RUN_LEASE_SECONDS: '3',
      QUEUE_POLL_SECONDS: '1',
      WORKER_CONCURRENCY: '20',
    };
    const [pa, p1, p2] = await Promise.all([freePort(), freePort(), freePort()]);
    const a = await startEngineProcess({ ...common, FLOWCRAFT_ROLE: 'api', PORT: String(pa) });
    children.add(a.child);
    outputs.set('api', a.output);
    api = `http://127.0.0.1:${pa}`;
    const started = await Promise.all(
      (['w1', 'w2'] as const).map((id, i) =>
        startEngineProcess(
          { ...common, FLOWCRAFT_ROLE: 'worker', WORKER_ID: id, PORT: String([p1, p2][i]) },
          `Flowcraft worker ${id} ready`,
        ),
      ),
    );
    started.forEach((w, i) => {
      children.add(w.child);
      outputs.set(i === 0 ? 'w1' : 'w2', w.output);
      workers.set(i === 0 ? 'w1' : 'w2', w.child);
    });
    sql = postgres(server.url, { max: 2 });
  }, 600_000);

  afterAll(async () => {
    for (const c of [...children]) await killProcess(c);
    await sql?.end();
    await server?.drop();
  });

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
    const res = await fetch(api + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Json) : {} };
  }

  /** What a timeout reports: the processes' output and the experiment's, cases' and runs' rows. */
  async function diagnosis(): Promise<string> {
    const rows = async (q: PromiseLike<readonly unknown[]>) =>
      JSON.stringify(await Promise.resolve(q).catch((e: unknown) => [String(e)]));
    return [
      ...[...outputs].map(([name, out]) => `--- ${name} output (end)\n${out().slice(-3000)}`),
      `--- experiments ${await rows(sql`select id, status, driver, lease_until from experiments`)}`,
      `--- results not passed ${await rows(sql`select case_id, run_id, status, attempts from experiment_results where status <> 'passed'`)}`,
      `--- runs not completed ${await rows(sql`select id, status, owner, lease_until, attempt, recoveries from runs where status <> 'completed'`)}`,
      `--- jobs ${await rows(sql`select name, state, count(*)::int as n from pgboss.job group by 1, 2`)}`,
    ].join('\n');
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${await diagnosis()}`);
      await sleep(100);
    }
  }

  it('an experiment survives its worker being killed, streams its progress, and re-runs a case', {
    timeout: 400_000,
  }, async () => {
    const doc = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/router-intent.json'), 'utf8')) as Json & {
      script: Json;
    };
    // Slow enough that the experiment is still going when its worker dies.
    const created = await call('POST', '/v1/workflows', {
      document: { ...doc, id: undefined, script: { ...doc.script, latencyMs: 400 } },
    });
    expect(created.status).toBe(201);
    const workflowId = created.json.id as string;
    const dataset = await call('POST', '/v1/datasets', { workflowId, name: 'durable' });
    const datasetId = dataset.json.id as string;
    const cases = Array.from({ length: CASES }, (_, i) => {
      const [request, route] = REQUESTS[i % REQUESTS.length] ?? REQUESTS[0];
      return {
        name: `case ${i + 1}`,
        input: { request },
        assertions: [{ type: 'branch_taken', nodeId: 'classify', branch: route }],
      };
    });
    expect((await call('POST', `/v1/datasets/${datasetId}/cases`, { cases })).status).toBe(201);

    const started = await call('POST', '/v1/evaluations', { workflowId, datasetId, concurrency: 3 });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const experimentId = started.json.id as string;

    // A Socket.IO client on the API watches the progress of work done by the workers.
    const client: Client = connect(api, { transports: ['websocket'], forceNew: true });
    const progress: ExperimentProgress[] = [];
    client.on('experiment.progress', (p) => progress.push(p));
    const reply = await new Promise<WatchExperimentReply>((resolve) =>
      client.emit('watchExperiment', { experimentId }, resolve),
    );
    expect(reply).toEqual({ ok: true, experimentId });
    expect(progress[0]?.results).toHaveLength(CASES);
    const unknown = await new Promise<WatchExperimentReply>((resolve) =>
      client.emit('watchExperiment', { experimentId: 'nope' }, resolve),
    );
    expect(unknown).toMatchObject({ ok: false, code: 'not_found' });

    // A worker (never the API) takes the experiment; kill it once some cases are judged.
    const driver = await waitFor('a worker to drive the experiment', async () => {
      const [row] = await sql<{ driver: string | null }[]>`select driver from experiments where id = ${experimentId}`;
      const judged = await sql<{ n: number }[]>`select count(*)::int as n from experiment_results
        where experiment_id = ${experimentId} and status in ('passed', 'failed')`;
      return row?.driver && (judged[0]?.n ?? 0) >= 3 ? row.driver : undefined;
    });
    expect(['w1', 'w2']).toContain(driver);
    const before = await sql<{ case_id: string; run_id: string; status: string }[]>`
      select case_id, run_id, status from experiment_results where experiment_id = ${experimentId}`;
    const judgedBefore = before.filter((r) => r.status === 'passed');
    expect(judgedBefore.length).toBeGreaterThanOrEqual(3);
    expect(judgedBefore.length).toBeLessThan(CASES);
    await killProcess(workers.get(driver) as ChildProcess);

    // The other worker finds the expired lease, frees the experiment with a new job and finishes it.
    const done = await waitFor(
      'the experiment to complete',
      async () => {
        const r = await call('GET', `/v1/evaluations/${experimentId}`);
        return r.json.status === 'completed' ? (r.json as unknown as ExperimentDetail) : undefined;
      },
      240_000,
    );
    expect(done).toMatchObject({ total: CASES, passed: CASES, failed: 0, pending: 0 });
    const [row] = await sql<{ driver: string | null }[]>`select driver from experiments where id = ${experimentId}`;
    expect(row?.driver).toBeNull();
    // Cases judged before the kill were kept (same run, one attempt); no case got a second run.
    for (const b of judgedBefore) {
      const after = done.results.find((r) => r.caseId === b.case_id) as CaseResult;
      expect(after).toMatchObject({ runId: b.run_id, attempts: 1, status: 'passed' });
    }
    for (const r of done.results) expect(r).toMatchObject({ runStatus: 'completed', attempts: 1 });
    const runs = await sql<{ n: number }[]>`select count(*)::int as n from runs where workflow_id = ${workflowId}`;
    expect(runs[0]?.n).toBe(CASES);
    expect(new Set(done.results.map((r) => r.runId)).size).toBe(CASES);

    // Progress arrived live: counts grew, every case's verdict was streamed, the last says completed.
    await waitFor('the final progress message', async () =>
      progress.at(-1)?.experiment.status === 'completed' ? true : undefined,
    );
    const passedSeen = progress.map((p) => p.experiment.passed);
    expect(passedSeen.length).toBeGreaterThan(3);
    expect(passedSeen).toEqual([...passedSeen].sort((x, y) => x - y));
    const streamed = new Map<string, string>();
    for (const p of progress) for (const r of p.results) streamed.set(r.caseId, r.status);
    expect([...streamed.values()].filter((s) => s === 'passed')).toHaveLength(CASES);

    // Re-run one case through the API: a new run, judged by the surviving worker.
    const one = done.results[5] as CaseResult;
    const rerun = await call('POST', `/v1/evaluations/${experimentId}/cases/${one.caseId}/rerun`);
    expect(rerun.status).toBe(202);
    expect(rerun.json).toMatchObject({ status: 'running', attempts: 2 });
    const again = await waitFor('the re-run case', async () => {
      const r = await call('GET', `/v1/evaluations/${experimentId}`);
      const detail = r.json as unknown as ExperimentDetail;
      const c = detail.results?.find((x) => x.caseId === one.caseId);
      return detail.status === 'completed' && c?.status === 'passed' ? c : undefined;
    });
    expect(again.attempts).toBe(2);
    expect(again.runId).not.toBe(one.runId);
    client.close();
  });
});
