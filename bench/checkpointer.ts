/**
 * Benchmark (a): our DrizzleSaver (drizzle + postgres.js) against the official
 * `@langchain/langgraph-checkpoint-postgres` PostgresSaver (node-postgres) on the same PostgreSQL
 * server, in one fresh database (the official tables live in schema `official`).
 *
 *   (i)  a 20-node sequential graph, run many times (small state, every node writes);
 *   (ii) one long run with a large (~200 KB), slowly changing state (changes every 10th step).
 *
 * Writes: checkpoints stored per second while the graphs run (LangGraph overhead included, the
 * same for both). Reads: checkpoints loaded per second by `getTuple` (each by id) and by `list`
 * (whole thread histories). Rounds alternate between the two savers; the median round counts.
 * Prints each side and ours/official (goal ≥ 1.0).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres tsx bench/checkpointer.ts
 */
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
// Installed as a devDependency of apps/engine (the root package does not list it).
import { PostgresSaver } from '../apps/engine/node_modules/@langchain/langgraph-checkpoint-postgres/dist/index.js';
import { DrizzleSaver, createServerDatabase, openDatabase } from '../apps/engine/src/store/index.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SEQ_RUNS = Number(process.env.SEQ_RUNS ?? 30);
const SEQ_NODES = 20;
const BIG_STEPS = Number(process.env.BIG_STEPS ?? 60);
const BIG_BYTES = 200_000;

type Side = 'ours' | 'official';
type Result = {
  written: number;
  writeMs: number;
  readTuples: number;
  readTupleMs: number;
  listed: number;
  listMs: number;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

// (i) 20 nodes in a row, each appending to a log and bumping a counter.
const SeqState = Annotation.Root({
  n: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});
function sequentialGraph(checkpointer: BaseCheckpointSaver) {
  const nodes: Record<string, (s: typeof SeqState.State) => typeof SeqState.Update> = {};
  for (let i = 0; i < SEQ_NODES; i++) nodes[`n${i}`] = (s) => ({ n: s.n + 1, log: [`n${i}`] });
  const wired = new StateGraph(SeqState).addNode(nodes);
  wired.addEdge(START, 'n0');
  for (let i = 1; i < SEQ_NODES; i++) wired.addEdge(`n${i - 1}`, `n${i}`);
  wired.addEdge(`n${SEQ_NODES - 1}`, END);
  return wired.compile({ checkpointer });
}

// (ii) a loop whose ~200 KB document changes every 10th step; a small counter changes every step.
const BigState = Annotation.Root({
  step: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  doc: Annotation<{ version: number; sections: string[] }>({
    reducer: (_a, b) => b,
    default: () => ({ version: 0, sections: [] }),
  }),
});
const bigDoc = (version: number) => ({
  version,
  sections: Array.from({ length: 100 }, (_, i) => `${version}:${i}:`.padEnd(BIG_BYTES / 100, 'x')),
});
function bigStateGraph(checkpointer: BaseCheckpointSaver) {
  return new StateGraph(BigState)
    .addNode('work', (s) => ({ step: s.step + 1, ...(s.step % 10 === 0 ? { doc: bigDoc(s.step) } : {}) }))
    .addEdge(START, 'work')
    .addConditionalEdges('work', (s) => (s.step >= BIG_STEPS ? END : 'work'))
    .compile({ checkpointer });
}

async function measureReads(
  saver: BaseCheckpointSaver,
  threads: string[],
): Promise<Pick<Result, 'readTuples' | 'readTupleMs' | 'listed' | 'listMs'>> {
  let listed = 0;
  const ids: { thread: string; id: string }[] = [];
  const t0 = performance.now();
  for (const thread of threads) {
    for await (const t of saver.list({ configurable: { thread_id: thread } })) {
      listed++;
      ids.push({ thread, id: String(t.config.configurable?.checkpoint_id) });
    }
  }
  const listMs = performance.now() - t0;
  const t1 = performance.now();
  for (const { thread, id } of ids) {
    const t = await saver.getTuple({ configurable: { thread_id: thread, checkpoint_ns: '', checkpoint_id: id } });
    if (t === undefined) throw new Error(`checkpoint ${id} not found`);
  }
  return { readTuples: ids.length, readTupleMs: performance.now() - t1, listed, listMs };
}

let threadSeq = 0;
async function sequentialRound(side: Side, saver: BaseCheckpointSaver): Promise<Result> {
  const graph = sequentialGraph(saver);
  const threads = Array.from({ length: SEQ_RUNS }, () => `${side}-seq-${threadSeq++}`);
  const t0 = performance.now();
  for (const thread of threads) {
    const out = await graph.invoke({ n: 0 }, { configurable: { thread_id: thread } });
    if (out.n !== SEQ_NODES) throw new Error(`${side}: wrong result ${out.n}`);
  }
  const writeMs = performance.now() - t0;
  const reads = await measureReads(saver, threads);
  return { written: reads.listed, writeMs, ...reads };
}

async function bigRound(side: Side, saver: BaseCheckpointSaver): Promise<Result> {
  const graph = bigStateGraph(saver);
  const thread = `${side}-big-${threadSeq++}`;
  const t0 = performance.now();
  const out = await graph.invoke({ step: 0 }, { configurable: { thread_id: thread }, recursionLimit: BIG_STEPS + 10 });
  if (out.step !== BIG_STEPS || out.doc.sections.join('').length < BIG_BYTES * 0.9)
    throw new Error(`${side}: wrong result`);
  const writeMs = performance.now() - t0;
  const reads = await measureReads(saver, [thread]);
  return { written: reads.listed, writeMs, ...reads };
}

function report(name: string, results: Record<Side, Result[]>): number {
  const rate = (rs: Result[], n: (r: Result) => number, ms: (r: Result) => number) =>
    median(rs.map((r) => (n(r) * 1000) / ms(r)));
  const rows: [string, (r: Result) => number, (r: Result) => number][] = [
    ['write', (r) => r.written, (r) => r.writeMs],
    ['read getTuple', (r) => r.readTuples, (r) => r.readTupleMs],
    ['read list', (r) => r.listed, (r) => r.listMs],
  ];
  console.log(`\n${name}`);
  let worst = Number.POSITIVE_INFINITY;
  for (const [label, n, ms] of rows) {
    const ours = rate(results.ours, n, ms);
    const official = rate(results.official, n, ms);
    worst = Math.min(worst, ours / official);
    console.log(
      `  ${label.padEnd(14)} ours ${ours.toFixed(0).padStart(6)} checkpoints/s   official ${official.toFixed(0).padStart(6)} checkpoints/s   ours/official ${(ours / official).toFixed(2)}`,
    );
  }
  return worst;
}

async function main(): Promise<void> {
  const server = await createServerDatabase(process.env.DATABASE_URL || undefined, 'flowcraft_bench');
  const store = await openDatabase({ url: server.url });
  const official = PostgresSaver.fromConnString(server.url, { schema: 'official' });
  try {
    await official.setup();
    const savers: Record<Side, BaseCheckpointSaver> = { ours: new DrizzleSaver(store.db), official };
    console.log(
      `checkpointer benchmark on ${server.url.replace(/\/[^/]*$/, '/…')} (fresh database ${server.name}); ${ROUNDS} rounds, median`,
    );
    console.log(
      `(i) ${SEQ_NODES}-node sequential graph × ${SEQ_RUNS} runs per round; (ii) one ${BIG_STEPS}-step run, ~${BIG_BYTES / 1000} KB state changing every 10th step`,
    );
    const worst: number[] = [];
    for (const [name, round] of [
      [`(i) ${SEQ_NODES}-node sequential graph`, sequentialRound],
      ['(ii) large, slowly changing state', bigRound],
    ] as const) {
      for (const side of ['ours', 'official'] as const) await round(side, savers[side]); // warm-up
      const results: Record<Side, Result[]> = { ours: [], official: [] };
      for (let r = 0; r < ROUNDS; r++) {
        const order: Side[] = r % 2 === 0 ? ['ours', 'official'] : ['official', 'ours'];
        for (const side of order) results[side].push(await round(side, savers[side]));
      }
      worst.push(report(name, results));
    }
    const min = Math.min(...worst);
    console.log(`\nworst ratio ours/official: ${min.toFixed(2)} (goal ≥ 1.0) ${min >= 1 ? 'OK' : 'UNDER'}`);
  } finally {
    await official.end();
    await store.close();
    await server.drop();
  }
}

await main();
