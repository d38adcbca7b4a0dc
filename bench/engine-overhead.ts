/**
 * Benchmark (a): per-run engine overhead. Our compiled examples (sequential pipeline, parallel
 * fan-out, map-reduce) run through the engine's executor (trace events on) against the same graphs
 * written by hand with LangGraph: same node functions (the built-in runtimes), same scripted model
 * with zero latency, in-memory checkpointer, plain `invoke` (or, with tokens on, LangGraph's own
 * `messages` stream mode, the hand-written way to get tokens). Prints the median per-run time of
 * each and the ratio ours / hand-written (goal ≤ 1.10).
 */
import { readFileSync } from 'node:fs';
import { Annotation, END, MemorySaver, START, Send, StateGraph } from '@langchain/langgraph';
import { ModelScript, WorkflowDocument } from '@flowcraft/schema';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import type { FlowState, NodeRuntime } from '@flowcraft/node-types';
import { compile, createRunServices, executeRun } from '@flowcraft/engine';
import type { RunServices } from '@flowcraft/engine';

const registry = createBuiltinRegistry();
const RUNS = Number(process.env.RUNS ?? 200);
const WARMUP = 30;
/** Also stream model tokens as trace events (LangGraph `messages` mode makes every model call stream). */
const TOKENS = process.env.TOKENS !== '0';

function load(name: string): WorkflowDocument {
  const raw = JSON.parse(readFileSync(new URL(`../examples/${name}.json`, import.meta.url), 'utf8'));
  const doc = WorkflowDocument.parse(raw);
  return {
    ...doc,
    settings: { ...doc.settings, ...(process.env.NOTIMEOUT ? { timeoutMs: 0 } : {}) },
    script: { ...(doc.script ?? {}), latencyMs: 0 },
  };
}

function services(doc: WorkflowDocument): RunServices {
  return createRunServices({ script: doc.script ? ModelScript.parse(doc.script) : undefined, env: {} });
}

/** The built-in runtime of a node, as a hand-written graph would call it. */
function runtimes(doc: WorkflowDocument, svc: RunServices): Map<string, NodeRuntime> {
  const out = new Map<string, NodeRuntime>();
  for (const node of doc.nodes) {
    const type = registry.type(node.type);
    if (!type) throw new Error(`unknown type ${node.type}`);
    out.set(
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
  return out;
}

const ctx = () => ({ signal: new AbortController().signal, interrupt: () => undefined, emit: () => {} });
const step = (rt: NodeRuntime | undefined) => async (s: FlowState) => (await rt!.run(s, ctx())).update ?? {};
const last = <T>(_a: T, b: T) => b;
const concat = (a: unknown[], b: unknown) => a.concat(Array.isArray(b) ? b : [b]);

type Hand = { invoke: (input: FlowState, threadId: string) => Promise<FlowState> };

interface HandGraph {
  invoke: (input: never, config: { configurable: { thread_id: string } }) => Promise<unknown>;
  stream: (
    input: never,
    config: { configurable: { thread_id: string }; streamMode: ('messages' | 'values')[] },
  ) => Promise<AsyncIterable<unknown>>;
}

/** Hand-written usage: plain invoke, or (tokens on) LangGraph's own `messages` stream mode plus final values. */
function asHand(graph: HandGraph): Hand {
  return {
    invoke: async (input, threadId) => {
      if (!TOKENS) return (await graph.invoke(input as never, { configurable: { thread_id: threadId } })) as FlowState;
      let values: FlowState = {};
      let tokens = 0;
      for await (const chunk of await graph.stream(input as never, {
        configurable: { thread_id: threadId },
        streamMode: ['messages', 'values'],
      })) {
        const [mode, data] = chunk as [string, unknown];
        if (mode === 'values') values = data as FlowState;
        else tokens++;
      }
      if (tokens === 0) throw new Error('baseline streamed no tokens');
      return values;
    },
  };
}

function handSequential(doc: WorkflowDocument): Hand {
  const rt = runtimes(doc, services(doc));
  const S = Annotation.Root({
    topic: Annotation<unknown>({ reducer: last, default: () => null }),
    research: Annotation<unknown>({ reducer: last, default: () => null }),
    outline: Annotation<unknown>({ reducer: last, default: () => null }),
    draft: Annotation<unknown>({ reducer: last, default: () => null }),
  });
  const g = new StateGraph(S)
    .addNode('start', step(rt.get('start')))
    .addNode('researcher', step(rt.get('researcher')))
    .addNode('outliner', step(rt.get('outliner')))
    .addNode('writer', step(rt.get('writer')))
    .addNode('end', step(rt.get('end')))
    .addEdge(START, 'start')
    .addEdge('start', 'researcher')
    .addEdge('researcher', 'outliner')
    .addEdge('outliner', 'writer')
    .addEdge('writer', 'end')
    .addEdge('end', END);
  return asHand(g.compile({ checkpointer: new MemorySaver() }));
}

function handParallel(doc: WorkflowDocument): Hand {
  const rt = runtimes(doc, services(doc));
  const S = Annotation.Root({
    proposal: Annotation<unknown>({ reducer: last, default: () => null }),
    analyses: Annotation<unknown[], unknown>({ reducer: concat, default: () => [] }),
    recommendation: Annotation<unknown>({ reducer: last, default: () => null }),
  });
  const g = new StateGraph(S)
    .addNode('start', step(rt.get('start')))
    .addNode('fan_out', step(rt.get('fan_out')))
    .addNode('market', step(rt.get('market')))
    .addNode('technical', step(rt.get('technical')))
    .addNode('risk', step(rt.get('risk')))
    .addNode('merge', step(rt.get('merge')), { defer: true })
    .addNode('end', step(rt.get('end')))
    .addEdge(START, 'start')
    .addEdge('start', 'fan_out')
    .addEdge('fan_out', 'market')
    .addEdge('fan_out', 'technical')
    .addEdge('fan_out', 'risk')
    .addEdge('market', 'merge')
    .addEdge('technical', 'merge')
    .addEdge('risk', 'merge')
    .addEdge('merge', 'end')
    .addEdge('end', END);
  return asHand(g.compile({ checkpointer: new MemorySaver() }));
}

function handMapReduce(doc: WorkflowDocument): Hand {
  const rt = runtimes(doc, services(doc));
  const S = Annotation.Root({
    topic: Annotation<unknown>({ reducer: last, default: () => null }),
    plan: Annotation<unknown>({ reducer: last, default: () => null }),
    subtopic: Annotation<unknown>({ reducer: last, default: () => null }),
    summaries: Annotation<unknown[], unknown>({ reducer: concat, default: () => [] }),
    briefing: Annotation<unknown>({ reducer: last, default: () => null }),
  });
  const map = rt.get('map')!;
  const g = new StateGraph(S)
    .addNode('start', step(rt.get('start')))
    .addNode('planner', step(rt.get('planner')))
    .addNode('map', async () => ({}))
    .addNode('summarize', step(rt.get('summarize')))
    .addNode('reduce', step(rt.get('reduce')), { defer: true })
    .addNode('end', step(rt.get('end')))
    .addEdge(START, 'start')
    .addEdge('start', 'planner')
    .addEdge('planner', 'map')
    .addConditionalEdges(
      'map',
      async (s: FlowState) => ((await map.run(s, ctx())).sends ?? []).map((x) => new Send('summarize', x.state)),
      ['summarize'],
    )
    .addEdge('summarize', 'reduce')
    .addEdge('reduce', 'end')
    .addEdge('end', END);
  return asHand(g.compile({ checkpointer: new MemorySaver() }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function bench(
  name: string,
  hand: (d: WorkflowDocument) => Hand,
  input: FlowState,
  check: (out: FlowState) => boolean,
): Promise<number> {
  const doc = load(name);
  const compiled = compile(doc, registry, services(doc), { checkpointer: new MemorySaver() });
  const handGraph = hand(doc);
  const ours = async (i: number) => {
    let events = 0;
    const out = await executeRun({
      compiled,
      threadId: `o${i}`,
      input,
      streamTokens: TOKENS,
      onEvent: () => void events++,
    });
    if (out.status !== 'completed' || !check(out.output) || events === 0)
      throw new Error(`${name}: unexpected ${JSON.stringify(out).slice(0, 300)}`);
  };
  const baseline = async (i: number) => {
    const out = await handGraph.invoke(input, `h${i}`);
    if (!check(out)) throw new Error(`${name} baseline: unexpected ${JSON.stringify(out).slice(0, 300)}`);
  };
  const tOurs: number[] = [];
  const tBase: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    // alternate the order so neither side always runs on a warmer heap
    const pair = i % 2 === 0 ? [ours, baseline] : [baseline, ours];
    for (const f of pair) {
      const t0 = performance.now();
      await f(i);
      const ms = performance.now() - t0;
      if (i >= WARMUP) (f === ours ? tOurs : tBase).push(ms);
    }
  }
  const o = median(tOurs);
  const b = median(tBase);
  console.log(
    `${name.padEnd(20)} ours ${o.toFixed(2)} ms/run, hand-written ${b.toFixed(2)} ms/run, ratio ${(o / b).toFixed(2)}`,
  );
  return o / b;
}

const ratios = [
  await bench(
    'sequential-pipeline',
    handSequential,
    { topic: 'tides' },
    (o) => typeof o.draft === 'string' && o.draft.length > 0,
  ),
  await bench(
    'parallel-fan-out',
    handParallel,
    { proposal: 'Open a second warehouse in Rotterdam' },
    (o) => typeof o.recommendation === 'string',
  ),
  await bench(
    'map-reduce',
    handMapReduce,
    { topic: 'How the shipping container changed the world economy' },
    (o) => typeof o.briefing === 'string',
  ),
];
const worst = Math.max(...ratios);
console.log(`model-token events: ${TOKENS ? 'on' : 'off (TOKENS=0)'}`);
console.log(`worst ratio ours/hand-written: ${worst.toFixed(2)} (goal ≤ 1.10) ${worst <= 1.1 ? 'OK' : 'OVER'}`);
