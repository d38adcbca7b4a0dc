/**
 * Evaluation overhead: N test cases of `router-intent` (scripted model, 20 ms latency per call) as
 * one experiment (`POST /v1/evaluations`, concurrency C) vs the same N runs started through
 * `POST /v1/runs` with C in flight, each waited for (baseline). Same engine, same PostgreSQL
 * database, rounds alternated; prints medians, min–max and ours/baseline (goal ≤ 1.1).
 *   N=1000 C=50 ROUNDS=3 LATENCY=20 pnpm bench:evals
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { createHttpApp } from '../apps/engine/src/http/app.js';
import { wireEngine } from '../apps/engine/src/main/wire.js';
import { createServerDatabase, createStore, openDatabase } from '../apps/engine/src/store/index.js';
import { forEachLimit } from '../apps/engine/src/evaluations/pool.js';
import { serverReachable } from './server-reachable.js';

const N = Number(process.env.N ?? 1000);
const C = Number(process.env.C ?? 50);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const LATENCY = Number(process.env.LATENCY ?? 20);

const REQUESTS = [
  ['Please write a blog post about our new search', 'content'],
  ['I found a bug in the checkout loop', 'code'],
  ['hello, can you help me?', 'fallback'],
] as const;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

async function main(): Promise<void> {
  if (!(await serverReachable())) {
    console.log('evals: skipped, no PostgreSQL server at 127.0.0.1:5432');
    return;
  }
  const created = await createServerDatabase(
    process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    'flowcraft_bench',
  );
  const db = await openDatabase({ url: created.url });
  const wired = wireEngine({
    store: createStore(db.db),
    registry: createBuiltinRegistry(),
    env: {},
    streamTokens: false,
    print: () => {},
  });
  const app = createHttpApp(wired.deps);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  try {
    const doc = JSON.parse(readFileSync(new URL('../examples/router-intent.json', import.meta.url), 'utf8'));
    doc.script.latencyMs = LATENCY;
    const workflow = await call('POST', '/v1/workflows', { document: { ...doc, id: undefined } });
    const workflowId = workflow.id as string;
    const dataset = await call('POST', '/v1/datasets', { workflowId, name: 'bench' });
    const datasetId = dataset.id as string;
    const cases = Array.from({ length: N }, (_, i) => {
      const [request, route] = REQUESTS[i % REQUESTS.length] ?? REQUESTS[0];
      return {
        name: `case ${i + 1}`,
        input: { request },
        assertions: [{ type: 'branch_taken', nodeId: 'classify', branch: route }],
      };
    });
    for (let i = 0; i < N; i += 1000)
      await call('POST', `/v1/datasets/${datasetId}/cases`, { cases: cases.slice(i, i + 1000) });

    // CPU of this process (engine + driver) per round: less sensitive than wall time to the other
    // processes sharing the machine.
    const cpu: { b: number[]; o: number[] } = { b: [], o: [] };
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const d = process.cpuUsage(since);
      return (d.user + d.system) / 1000;
    };
    const baseline = async () => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await forEachLimit(cases, C, async (c) => {
        const { runId } = (await call('POST', '/v1/runs', { workflowId, input: c.input })) as { runId: string };
        await wired.runs.settled(runId);
      });
      cpu.b.push(cpuMs(c0));
      return performance.now() - t0;
    };
    const ours = async () => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const exp = await call('POST', '/v1/evaluations', { workflowId, datasetId, concurrency: C });
      await wired.evaluations.idle();
      const ms = performance.now() - t0;
      cpu.o.push(cpuMs(c0));
      const detail = await call('GET', `/v1/evaluations/${exp.id as string}`);
      if (detail.passed !== N) throw new Error(`experiment: ${detail.passed}/${N} passed`);
      return ms;
    };
    const b: number[] = [];
    const o: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first, so neither always runs on a warmer database.
      if (r % 2 === 0) {
        b.push(await baseline());
        o.push(await ours());
      } else {
        o.push(await ours());
        b.push(await baseline());
      }
      console.log(
        `round ${r + 1}: runs ${(b.at(-1) ?? 0).toFixed(0)} ms (cpu ${(cpu.b.at(-1) ?? 0).toFixed(0)} ms), experiment ${(o.at(-1) ?? 0).toFixed(0)} ms (cpu ${(cpu.o.at(-1) ?? 0).toFixed(0)} ms), load ${loadavg()[0]?.toFixed(1)}`,
      );
    }
    const fmt = (xs: number[]) =>
      `median ${(median(xs) / 1000).toFixed(2)} s (${(Math.min(...xs) / 1000).toFixed(2)}–${(Math.max(...xs) / 1000).toFixed(2)})`;
    console.log(
      `${N} cases of router-intent, ${LATENCY} ms model latency, concurrency ${C}, PostgreSQL, ${ROUNDS} rounds`,
    );
    console.log(`POST /v1/runs (baseline)    ${fmt(b)}`);
    console.log(`POST /v1/evaluations (ours) ${fmt(o)}`);
    console.log(`ratio ours/baseline ${(median(o) / median(b)).toFixed(3)} (goal ≤ 1.1)`);
    const ratios = o.map((x, i) => x / (b[i] ?? x));
    console.log(
      `per-round ratios ${ratios.map((x) => x.toFixed(3)).join(' ')}; engine-process CPU ours/baseline ${(median(cpu.o) / median(cpu.b)).toFixed(3)}`,
    );
  } finally {
    await wired.close();
    await db.close();
    await created.drop();
  }
}

await main();
