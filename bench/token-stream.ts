/**
 * Benchmark: what a model's token stream costs a run on PostgreSQL. `sequential-pipeline` with its
 * replies streamed at a provider's pace (a word every STREAM_MS, 50 words/s by default) instead of at
 * once, RUNS runs at a time, executed by the engine with one in-process worker. Tokens stored as soon
 * as the previous write is done (`tokenIntervalMs: 0`, the engine before) against tokens stored at
 * most once per `TOKEN_STORE_INTERVAL_MS` per run (the engine now), alternated, ROUNDS rounds each.
 * Prints per run: stored events (token events among them), statements, transactions, rows written,
 * PostgreSQL CPU; and each side's wall time for the batch.
 */
import { readFileSync } from 'node:fs';
import { WorkflowDocument } from '@flowcraft/schema';
import { TOKEN_STORE_INTERVAL_MS } from '../apps/engine/src/lifecycle/event-writer.js';
import { dbCounters, engineWithOneWorker, postgresCpuSeconds, withBenchDatabase } from './postgres-engine.js';
import { serverReachable } from './server-reachable.js';

const RUNS = Number(process.env.RUNS ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const STREAM_MS = Number(process.env.STREAM_MS ?? 20);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function pacedPipeline(): WorkflowDocument {
  const raw = JSON.parse(readFileSync(new URL('../examples/sequential-pipeline.json', import.meta.url), 'utf8'));
  raw.script.latencyMs = 50;
  raw.script.streamIntervalMs = STREAM_MS;
  return WorkflowDocument.parse(raw);
}

interface Figures {
  wall: number;
  events: number;
  tokens: number;
  statements: number;
  commits: number;
  rows: number;
  cpu: number;
}

let measured = 0;

async function measure(url: string, tokenIntervalMs: number): Promise<Figures> {
  const doc = pacedPipeline();
  const engine = await engineWithOneWorker(
    url,
    { ...doc, id: `${doc.id}-${measured++}` },
    {
      concurrency: RUNS,
      tokenIntervalMs,
    },
  );
  try {
    await engine.run(2); // warm up (compiled graph, prepared statements)
    const s0 = engine.statements();
    const c0 = await dbCounters(engine.open);
    const cpu0 = postgresCpuSeconds();
    const { rows: before } = await engine.open.native.executeSql(
      `select count(*)::float8 as events, count(*) filter (where type = 'model.token')::float8 as tokens from run_events`,
    );
    const wall = await engine.run(RUNS);
    await new Promise((r) => setTimeout(r, 300));
    const c1 = await dbCounters(engine.open);
    const { rows: after } = await engine.open.native.executeSql(
      `select count(*)::float8 as events, count(*) filter (where type = 'model.token')::float8 as tokens from run_events`,
    );
    return {
      wall,
      events: (Number(after[0]?.events) - Number(before[0]?.events)) / RUNS,
      tokens: (Number(after[0]?.tokens) - Number(before[0]?.tokens)) / RUNS,
      statements: (engine.statements() - s0) / RUNS,
      commits: (c1.commits - c0.commits) / RUNS,
      rows: (c1.rows - c0.rows) / RUNS,
      cpu: ((postgresCpuSeconds() - cpu0) / RUNS) * 1000,
    };
  } finally {
    await engine.close();
  }
}

if (!(await serverReachable())) {
  console.log('skipped: no PostgreSQL server at 127.0.0.1:5432');
} else {
  await withBenchDatabase('flowcraft_bench_tokens', async (url) => {
    console.log(
      `${RUNS} runs of sequential-pipeline at a time, replies streamed a word every ${STREAM_MS} ms; ${ROUNDS} rounds alternated`,
    );
    const sides = { before: [] as Figures[], now: [] as Figures[] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const side of i % 2 === 0 ? (['before', 'now'] as const) : (['now', 'before'] as const))
        sides[side].push(await measure(url, side === 'before' ? 0 : TOKEN_STORE_INTERVAL_MS));
    }
    const m = (side: keyof typeof sides, k: keyof Figures) => median(sides[side].map((f) => f[k]));
    const row = (label: string, k: keyof Figures, digits = 1) =>
      console.log(
        `  ${label.padEnd(30)} ${m('before', k).toFixed(digits).padStart(9)} ${m('now', k).toFixed(digits).padStart(9)}   ${(m('now', k) / m('before', k)).toFixed(2)}`,
      );
    console.log(`  ${'per run (medians)'.padEnd(30)} ${'before'.padStart(9)} ${'now'.padStart(9)}   now/before`);
    console.log(`  (tokens stored: as soon as possible | at most every ${TOKEN_STORE_INTERVAL_MS} ms)`);
    row('stored events', 'events');
    row('  of them model.token', 'tokens');
    row('statements (engine pool)', 'statements');
    row('transactions (all clients)', 'commits');
    row('rows written', 'rows');
    row('PostgreSQL CPU ms', 'cpu', 2);
    row(`wall ms for ${RUNS} runs`, 'wall', 0);
  });
}
process.exit(0);
