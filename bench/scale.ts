/**
 * Benchmark (issue 14): scale-out on PostgreSQL.
 * (a) 200 concurrent runs of `sequential-pipeline` (50 ms scripted latency, tokens on): the same graph
 *     hand-written with LangGraph + the official PostgresSaver, vs the engine with one worker (RunService
 *     + pg-boss queue + RunWorker, in one process). Alternated, median of ROUNDS; prints ours/baseline.
 * (b) the same load executed by 1 and by 2 worker processes (FLOWCRAFT_ROLE=worker) — runs queued by
 *     this process, wall time until all finish; prints the throughput ratio.
 * (c) PGlite default (`startEngine`, role all): POST /v1/runs latency p50/p99 while 200 runs execute.
 * (d) statements, rows and PostgreSQL CPU time per run (from (a)), and the runs/s one Postgres core sustains.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { NodeRuntime } from '@flowcraft/node-types';
import { ModelScript, WorkflowDocument } from '@flowcraft/schema';
import { PostgresSaver } from '../apps/engine/node_modules/@langchain/langgraph-checkpoint-postgres/dist/index.js';
import { loadConfig } from '../apps/engine/src/config/config.js';
import { createRunServices } from '../apps/engine/src/execution/services.js';
import { RunService } from '../apps/engine/src/lifecycle/run-service.js';
import { StoreRunPorts } from '../apps/engine/src/lifecycle/store-run-ports.js';
import { freePort, killProcess, startEngineProcess } from '../apps/engine/src/main/engine-process.js';
import { startEngine } from '../apps/engine/src/main/engine.js';
import { PgBossRunQueue } from '../apps/engine/src/queue/pg-boss-queue.js';
import { createStore, openDatabase } from '../apps/engine/src/store/index.js';
import {
  dbCounters,
  engineWithOneWorker,
  postgresCpuSeconds,
  processCpu,
  waitForRuns,
  withBenchDatabase,
} from './postgres-engine.js';
import { serverReachable } from './server-reachable.js';

const RUNS = Number(process.env.RUNS ?? 200);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
// The load: 50 ms per scripted model call. `LATENCY=500` shows runs nearer real model latency.
const LATENCY = Number(process.env.LATENCY ?? 50);
const registry = createBuiltinRegistry();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

function pipeline(): WorkflowDocument {
  const raw = JSON.parse(readFileSync(new URL('../examples/sequential-pipeline.json', import.meta.url), 'utf8'));
  raw.script.latencyMs = LATENCY;
  return WorkflowDocument.parse(raw);
}

/** The baseline: the pipeline's node runtimes wired by hand into a LangGraph graph, tokens via `messages` mode. */
function handWritten(doc: WorkflowDocument, saver: BaseCheckpointSaver) {
  const svc = createRunServices({ script: doc.script ? ModelScript.parse(doc.script) : undefined, env: {} });
  const rt = new Map<string, NodeRuntime>();
  for (const node of doc.nodes) {
    const type = registry.type(node.type);
    if (!type) throw new Error(`unknown type ${node.type}`);
    rt.set(
      node.id,
      type.build({
        config: type.config.parse(node.config),
        node: { id: node.id, label: node.label },
        services: svc,
        settings: doc.settings,
        channels: doc.state,
        privateChannel: (n) => `__p_${node.id}_${n}`,
      }),
    );
  }
  const last = <T>(_a: T, b: T) => b;
  const S = Annotation.Root({
    topic: Annotation<unknown>({ reducer: last, default: () => null }),
    research: Annotation<unknown>({ reducer: last, default: () => null }),
    outline: Annotation<unknown>({ reducer: last, default: () => null }),
    draft: Annotation<unknown>({ reducer: last, default: () => null }),
  });
  const ctx = () => ({ signal: new AbortController().signal, interrupt: () => undefined, emit: () => {} });
  const step = (id: string) => async (s: typeof S.State) => (await rt.get(id)?.run(s, ctx()))?.update ?? {};
  const graph = new StateGraph(S)
    .addNode('start', step('start'))
    .addNode('researcher', step('researcher'))
    .addNode('outliner', step('outliner'))
    .addNode('writer', step('writer'))
    .addNode('end', step('end'))
    .addEdge(START, 'start')
    .addEdge('start', 'researcher')
    .addEdge('researcher', 'outliner')
    .addEdge('outliner', 'writer')
    .addEdge('writer', 'end')
    .addEdge('end', END)
    .compile({ checkpointer: saver });
  return async (threadId: string) => {
    let draft: unknown;
    let tokens = 0;
    for await (const [mode, data] of await graph.stream({ topic: 'tides' } as never, {
      configurable: { thread_id: threadId },
      streamMode: ['messages', 'values'],
    })) {
      if (mode === 'values') draft = (data as { draft?: unknown }).draft;
      else tokens++;
    }
    if (typeof draft !== 'string' || tokens === 0) throw new Error('baseline run produced no draft or no tokens');
  };
}

async function partA(url: string): Promise<void> {
  console.log(`\n(a) ${RUNS} concurrent runs, ${LATENCY} ms scripted latency, tokens on; ${ROUNDS} rounds alternated`);
  const official = PostgresSaver.fromConnString(url, { schema: 'official' });
  await official.setup();
  const baseline = handWritten(pipeline(), official);
  const engine = await engineWithOneWorker(url, pipeline(), { concurrency: RUNS });
  let thread = 0;
  const base = async (n: number) => {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, () => baseline(`b-${thread++}`)));
    return performance.now() - t0;
  };
  await base(10);
  await engine.run(10);
  const tBase: number[] = [];
  const tOurs: number[] = [];
  const perRun: { statements: number; commits: number; rows: number; cpu: number }[] = [];
  const baseCpu: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 === 0 ? (['ours', 'base'] as const) : (['base', 'ours'] as const);
    for (const side of order) {
      if (side === 'base') {
        const cpu0 = postgresCpuSeconds();
        tBase.push(await base(RUNS));
        baseCpu.push((postgresCpuSeconds() - cpu0) / RUNS);
      } else {
        const s0 = engine.statements();
        const c0 = await dbCounters(engine.open);
        const cpu0 = postgresCpuSeconds();
        tOurs.push(await engine.run(RUNS));
        await new Promise((r) => setTimeout(r, 300));
        const c1 = await dbCounters(engine.open);
        perRun.push({
          statements: (engine.statements() - s0) / RUNS,
          commits: (c1.commits - c0.commits) / RUNS,
          rows: (c1.rows - c0.rows) / RUNS,
          cpu: (postgresCpuSeconds() - cpu0) / RUNS,
        });
      }
    }
  }
  await engine.close();
  await official.end();
  const o = median(tOurs);
  const b = median(tBase);
  console.log(`    hand-written LangGraph + PostgresSaver: median ${b.toFixed(0)} ms (${spread(tBase)})`);
  console.log(
    `    engine, one worker (queue, checkpoints, stored trace): median ${o.toFixed(0)} ms (${spread(tOurs)})`,
  );
  console.log(`    ours/baseline ${(o / b).toFixed(2)} (goal ≤ 1.3) ${o / b <= 1.3 ? 'OK' : 'OVER'}`);
  const stm = median(perRun.map((p) => p.statements));
  const commits = median(perRun.map((p) => p.commits));
  const rows = median(perRun.map((p) => p.rows));
  const cpu = median(perRun.map((p) => p.cpu));
  console.log(`\n(d) per run (engine's own client; the queue's pg pool not counted in statements):`);
  console.log(
    `    statements ${stm.toFixed(1)}, transactions (all clients) ${commits.toFixed(1)}, rows written ${rows.toFixed(1)}`,
  );
  console.log(
    Number.isFinite(cpu) && cpu > 0
      ? `    PostgreSQL CPU ${(cpu * 1000).toFixed(2)} ms/run → about ${(1 / cpu).toFixed(0)} runs/s per Postgres core (server shared with other sessions: an upper bound on cost); the baseline's (checkpoints only, no trace, no queue) ${(median(baseCpu) * 1000).toFixed(2)} ms/run`
      : '    PostgreSQL CPU: not measurable here',
  );
}

async function partB(url: string, concurrency: number, label: string): Promise<void> {
  console.log(
    `\n(b) ${RUNS} runs (${LATENCY} ms model calls) executed by 1 vs 2 worker processes, WORKER_CONCURRENCY=${concurrency} (${label}); queued here, polled until all finish`,
  );
  const open = await openDatabase({ url });
  const store = createStore(open.db, {
    notifyEvents: true,
    groupCommit: true,
    pipeline: true,
    groupDb: open.groupDb,
  });
  const queue = await PgBossRunQueue.open(open.native, { supervise: false });
  const runs = new RunService(new StoreRunPorts(store, queue), registry, { env: {} });
  const doc = pipeline();
  const wf = `${doc.id}-b${concurrency}`;
  await store.workflows.create({ id: wf, name: doc.name, document: { ...doc, id: wf }, valid: true });
  const env = {
    DATABASE_URL: url,
    FLOWCRAFT_ROLE: 'worker',
    WORKER_CONCURRENCY: String(concurrency),
    QUEUE_POLL_SECONDS: '1',
  };
  const workers: ChildProcess[] = [];
  const startWorker = async (i: number) => {
    const port = await freePort();
    const p = await startEngineProcess(
      { ...env, PORT: String(port), WORKER_ID: `bench-w${i}` },
      `worker bench-w${i} ready`,
      undefined,
      // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the workers (not this process).
      process.env.WORKER_NODE_ARGS?.split(' ').filter(Boolean),
    );
    workers.push(p.child);
  };
  let lastSplit = '';
  let lastPhases = '';
  let lastSteady = 0;
  const batch = async () => {
    const t0 = performance.now();
    const started = await Promise.all(
      Array.from({ length: RUNS }, () => runs.start({ workflowId: wf, input: { topic: 'tides' } })),
    );
    const ids = started.map((s) => s.runId);
    const queuedIn = performance.now() - t0;
    await waitForRuns(open, ids, 40);
    const took = performance.now() - t0;
    const { rows } = await open.native.executeSql(
      'select worker, count(*)::int as n from runs where id = any($1::text[]) group by worker order by worker',
      [ids],
    );
    lastSplit = rows.map((r) => `${String(r.worker)} ${String(r.n)}`).join(', ');
    // Where a run's time went: waiting in the queue, then executing (medians over the batch).
    const { rows: phases } = await open.native.executeSql(
      `select percentile_cont(0.5) within group (order by extract(epoch from started_at - created_at))::float8 * 1000 as waited,
              percentile_cont(0.5) within group (order by extract(epoch from finished_at - started_at))::float8 * 1000 as executed
         from runs where id = any($1::text[])`,
      [ids],
    );
    // Completions per second between the 10th and the 90th percentile finish: the rate with the
    // batch's ramp (queueing) and tail (the last runs' own latency) left out.
    const { rows: mid } = await open.native.executeSql(
      `select extract(epoch from percentile_disc(0.9) within group (order by finished_at)
                              - percentile_disc(0.1) within group (order by finished_at))::float8 as span
         from runs where id = any($1::text[])`,
      [ids],
    );
    lastSteady = (0.8 * RUNS) / Number(mid[0]?.span);
    lastPhases = `all ${RUNS} queued after ${queuedIn.toFixed(0)} ms; per run (median) waited ${Number(phases[0]?.waited).toFixed(0)} ms, executed ${Number(phases[0]?.executed).toFixed(0)} ms`;
    return took;
  };
  const results: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const steady: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const cpu: { worker: number; pg: number; here: number }[] = [];
  const phases: Record<1 | 2, string> = { 1: '', 2: '' };
  // Transactions and rows per run (every client: workers, their queue pools, this process), as in (d).
  const db: Record<1 | 2, { commits: number; rows: number }[]> = { 1: [], 2: [] };
  const counted = async (workersUp: 1 | 2, round: () => Promise<void>) => {
    const c0 = await dbCounters(open);
    await round();
    // Other backends flush their counters about a second after they go idle.
    await new Promise((r) => setTimeout(r, 1100));
    const c1 = await dbCounters(open);
    db[workersUp].push({ commits: (c1.commits - c0.commits) / RUNS, rows: (c1.rows - c0.rows) / RUNS });
  };
  // Both workers run throughout; for a 1-worker round the second is stopped (SIGSTOP, idle: it
  // holds no run and takes none) and continued after. Rounds alternate 1,2 / 2,1 so the machine's
  // drift (this VM is shared) falls on both sides alike.
  const second = () => workers[1];
  const oneWorkerRound = async () => {
    second()?.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 200));
    const w0 = processCpu(workers[0]?.pid);
    const p0 = postgresCpuSeconds();
    const h0 = process.cpuUsage();
    results[1].push(await batch());
    steady[1].push(lastSteady);
    const h = process.cpuUsage(h0);
    cpu.push({
      worker: (processCpu(workers[0]?.pid) - w0) / RUNS,
      pg: (postgresCpuSeconds() - p0) / RUNS,
      here: (h.user + h.system) / 1e6 / RUNS,
    });
    phases[1] = lastPhases;
    second()?.kill('SIGCONT');
    await new Promise((r) => setTimeout(r, 200));
  };
  const cpu2: { worker: number; pg: number; here: number }[] = [];
  const twoWorkerRound = async () => {
    const w0 = workers.map((w) => processCpu(w.pid));
    const p0 = postgresCpuSeconds();
    const h0 = process.cpuUsage();
    results[2].push(await batch());
    const h = process.cpuUsage(h0);
    cpu2.push({
      worker: workers.reduce((sum, w, i) => sum + processCpu(w.pid) - (w0[i] ?? 0), 0) / RUNS,
      pg: (postgresCpuSeconds() - p0) / RUNS,
      here: (h.user + h.system) / 1e6 / RUNS,
    });
    steady[2].push(lastSteady);
    phases[2] = `${lastPhases}; runs per worker ${lastSplit}`;
  };
  try {
    await startWorker(1);
    await startWorker(2);
    await batch(); // warm up both
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        await counted(1, oneWorkerRound);
        await counted(2, twoWorkerRound);
      } else {
        await counted(2, twoWorkerRound);
        await counted(1, oneWorkerRound);
      }
    }
    console.log(`    1 worker, last batch: ${phases[1]}`);
    console.log(`    2 workers, last batch: ${phases[2]}`);
  } finally {
    second()?.kill('SIGCONT');
    for (const w of workers) await killProcess(w, 'SIGTERM');
    await queue.close();
    await open.close();
  }
  const one = median(results[1]);
  const two = median(results[2]);
  console.log(
    `    1 worker: median ${one.toFixed(0)} ms (${spread(results[1])}) → ${((RUNS / one) * 1000).toFixed(0)} runs/s`,
  );
  console.log(
    `    2 workers: median ${two.toFixed(0)} ms (${spread(results[2])}) → ${((RUNS / two) * 1000).toFixed(0)} runs/s`,
  );
  console.log(`    throughput 2/1: ${(one / two).toFixed(2)} (goal ≥ 1.5) ${one / two >= 1.5 ? 'OK' : 'UNDER'}`);
  const s1 = median(steady[1]);
  const s2 = median(steady[2]);
  console.log(
    `    steady rate (10th–90th percentile finish): 1 worker ${s1.toFixed(0)} runs/s, 2 workers ${s2.toFixed(0)} runs/s, ratio ${(s2 / s1).toFixed(2)}; per pair ${steady[1].map((r, i) => ((steady[2][i] ?? r) / r).toFixed(2)).join(', ')}`,
  );
  // Each round pair ran back to back (1,2 or 2,1): its own ratio shows how much the machine moved.
  const pairs = results[1].map((t1, i) => t1 / (results[2][i] ?? t1));
  console.log(`    per round pair: ${pairs.map((r) => r.toFixed(2)).join(', ')} (median ${median(pairs).toFixed(2)})`);
  // With one worker: CPU per run of the worker (w), PostgreSQL (p) and this process queueing and
  // polling (q). However many workers, C cores finish at most C / (w + p + q) runs/s: against the
  // measured throughput of one worker, that is the most the ratio can be on this machine.
  const w = median(cpu.map((c) => c.worker));
  const p = median(cpu.map((c) => c.pg));
  const q = median(cpu.map((c) => c.here));
  console.log(
    `    CPU per run with 2 workers: workers ${(median(cpu2.map((c) => c.worker)) * 1000).toFixed(1)} ms, PostgreSQL ${(median(cpu2.map((c) => c.pg)) * 1000).toFixed(1)} ms, here ${(median(cpu2.map((c) => c.here)) * 1000).toFixed(1)} ms`,
  );
  // The planning figure at this deployment's slots: (d) measures one process with every run at once,
  // where appends group best; fewer runs per worker mean smaller groups and more statements per run.
  const pg2 = median(cpu2.map((c) => c.pg));
  console.log(
    `    per run at ${concurrency} slots per worker: transactions ${median(db[1].map((d) => d.commits)).toFixed(1)} (1 worker) / ${median(db[2].map((d) => d.commits)).toFixed(1)} (2 workers), rows ${median(db[2].map((d) => d.rows)).toFixed(1)}; PostgreSQL CPU ${(pg2 * 1000).toFixed(2)} ms/run with 2 workers → about ${(1 / pg2).toFixed(0)} runs/s per Postgres core`,
  );
  const cores = availableParallelism();
  const bound = cores / (w + p + q) / (RUNS / (one / 1000));
  console.log(
    `    CPU per run with 1 worker: worker ${(w * 1000).toFixed(1)} ms, PostgreSQL ${(p * 1000).toFixed(1)} ms, queueing + polling here ${(q * 1000).toFixed(1)} ms; on ${cores} cores the ratio cannot exceed ${bound.toFixed(2)}`,
  );
}

async function partC(): Promise<void> {
  console.log(`\n(c) PGlite default (one process, role all): POST /v1/runs latency while ${RUNS} runs execute`);
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: mkdtempSync(join(tmpdir(), 'fc-bench-c-')) });
  const engine = await startEngine({ config, print: () => undefined, env: {} });
  try {
    const doc = pipeline();
    const post = async (path: string, body: unknown) => {
      const t0 = performance.now();
      const res = await fetch(engine.server.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await res.text();
      return performance.now() - t0;
    };
    await post('/v1/workflows', { document: doc });
    const latencies = await Promise.all(
      Array.from({ length: RUNS }, () => post('/v1/runs', { workflowId: doc.id, input: { topic: 'tides' } })),
    );
    // Probes while the runs execute: one POST every 50 ms.
    const probes: number[] = [];
    for (let i = 0; i < 40; i++) {
      probes.push(await post('/v1/runs', { workflowId: doc.id, input: { topic: 'probe' } }));
      await new Promise((r) => setTimeout(r, 50));
    }
    console.log(
      `    ${RUNS} concurrent POSTs: p50 ${pct(latencies, 0.5).toFixed(0)} ms, p99 ${pct(latencies, 0.99).toFixed(0)} ms`,
    );
    console.log(
      `    probe POSTs while they execute: p50 ${pct(probes, 0.5).toFixed(0)} ms, p99 ${pct(probes, 0.99).toFixed(0)} ms (goal p99 < 200 ms) ${pct(probes, 0.99) < 200 ? 'OK' : 'OVER'}`,
    );
  } finally {
    await engine.stop();
  }
}

if (!(await serverReachable())) {
  console.log('skipped (a), (b), (d): no PostgreSQL server at 127.0.0.1:5432');
} else {
  await withBenchDatabase('flowcraft_bench_scale', async (url) => {
    if (!process.env.ONLY || process.env.ONLY.includes('a')) await partA(url);
    if (!process.env.ONLY || process.env.ONLY.includes('b')) {
      // As deployed (the default slots per worker), then each worker taking every run at once (CPU-bound).
      // SLOTS=20 or SLOTS=all runs only one of the two; SLOTS=<n> runs n slots per worker only.
      const slots = process.env.SLOTS;
      if (slots !== undefined && /^\d+$/.test(slots) && slots !== '20') await partB(url, Number(slots), 'SLOTS');
      else {
        if (slots !== 'all') await partB(url, 20, 'the default');
        if (slots !== '20') await partB(url, RUNS, 'every run at once: each worker CPU-bound');
      }
    }
  });
}
if (!process.env.ONLY || process.env.ONLY.includes('c')) await partC();
process.exit(0);
