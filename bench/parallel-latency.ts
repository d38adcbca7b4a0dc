/**
 * Benchmark (c): a parallel node with 32 branches, each an llm call that waits 100 ms on the
 * scripted model. Baseline: the 100 ms a single call takes. Prints wall time / 100 ms; goal ≤ 1.3.
 */
import { Annotation, END, MemorySaver, START, StateGraph } from '@langchain/langgraph';
import { HumanMessage } from '@langchain/core/messages';
import { createScriptedModels } from '@flowcraft/node-types/models';
import type { WorkflowDocumentInput } from '@flowcraft/schema';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { compile, createRunServices, executeRun } from '@flowcraft/engine';

const BRANCHES = Number(process.env.BRANCHES ?? 32);
const LATENCY = 100;

function document(): WorkflowDocumentInput {
  const nodes: WorkflowDocumentInput['nodes'] = [
    { id: 'start', type: 'start', config: { inputs: [{ channel: 'input' }] } },
    { id: 'fan', type: 'parallel', config: { mode: 'branches' } },
    {
      id: 'join',
      type: 'transform',
      config: { assignments: [{ channel: 'count', mode: 'expression', value: '$count(state.answers)' }] },
    },
    { id: 'end', type: 'end', config: { outputs: ['count'] } },
  ];
  const edges: NonNullable<WorkflowDocumentInput['edges']> = [
    { id: 's', source: 'start', target: 'fan' },
    { id: 'j', source: 'join', target: 'end' },
  ];
  for (let i = 0; i < BRANCHES; i++) {
    nodes.push({
      id: `b${i}`,
      type: 'llm',
      config: { model: 'scripted:m', prompt: 'Answer {{ state.input }}', output: 'answers' },
    });
    edges.push({ id: `f${i}`, source: 'fan', target: `b${i}` }, { id: `t${i}`, source: `b${i}`, target: 'join' });
  }
  return {
    id: 'parallel-32',
    name: 'Parallel 32',
    state: {
      input: { type: 'string', reducer: 'replace' },
      answers: { type: 'list', reducer: 'append' },
      count: { type: 'number', reducer: 'replace' },
    },
    nodes,
    edges,
    script: { latencyMs: LATENCY, default: { content: 'ok' } },
  };
}

const registry = createBuiltinRegistry();
const times: number[] = [];
const RUNS = Number(process.env.RUNS ?? 6);
for (let r = 0; r < RUNS; r++) {
  const doc = document();
  const services = createRunServices({ script: { latencyMs: LATENCY, default: { content: 'ok' } }, env: {} });
  const compiled = compile(doc, registry, services, { checkpointer: new MemorySaver() });
  const t0 = performance.now();
  const out = await executeRun({ compiled, threadId: `t${r}`, input: { input: 'x' }, onEvent: () => {} });
  const ms = performance.now() - t0;
  if (out.status !== 'completed' || out.output.count !== BRANCHES)
    throw new Error(`unexpected outcome ${JSON.stringify(out)}`);
  if (r > 0) times.push(ms); // first run warms up
}
/** The same fan-out written by hand with LangGraph: 32 model calls in one superstep. */
async function handWritten(): Promise<number> {
  const models = createScriptedModels({ latencyMs: LATENCY, default: { content: 'ok' } });
  const S = Annotation.Root({
    input: Annotation<string>(),
    answers: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  const g = new StateGraph(S);
  const names: string[] = [];
  for (let i = 0; i < BRANCHES; i++) names.push(`b${i}`);
  for (const n of names) {
    g.addNode(n, async (s: typeof S.State) => {
      const res = await models.chat('scripted:m', { nodeId: n }).invoke([new HumanMessage(`Answer ${s.input}`)]);
      return { answers: [String(res.content)] };
    });
  }
  g.addNode('join', async () => ({}));
  const graph = g as unknown as StateGraph<typeof S.spec, typeof S.State, typeof S.Update, string>;
  for (const n of names) {
    graph.addEdge(START, n);
    graph.addEdge(n, 'join');
  }
  graph.addEdge('join', END);
  const compiled = graph.compile({ checkpointer: new MemorySaver() });
  const t0 = performance.now();
  const out = await compiled.invoke({ input: 'x' }, { configurable: { thread_id: 'h' } });
  if (out.answers.length !== BRANCHES) throw new Error('baseline wrong');
  return performance.now() - t0;
}
const base: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const ms = await handWritten();
  if (r > 0) base.push(ms);
}
base.sort((a, b) => a - b);
const baseMed = base[Math.floor(base.length / 2)] ?? 0;
console.log(`hand-written LangGraph baseline (invoke, no trace): median wall ${baseMed.toFixed(1)} ms`);
times.sort((a, b) => a - b);
const med = times[Math.floor(times.length / 2)] ?? 0;
console.log(
  `parallel ${BRANCHES} branches × ${LATENCY} ms model latency: median wall ${med.toFixed(1)} ms over ${times.length} runs`,
);
console.log(`ours / hand-written = ${(med / baseMed).toFixed(2)}`);
console.log(
  `ratio wall / ${LATENCY} ms = ${(med / LATENCY).toFixed(2)} (goal ≤ 1.30) ${med / LATENCY <= 1.3 ? 'OK' : 'OVER'}`,
);
