/**
 * Sub-workflow call overhead: a parent that calls a child workflow (a `subworkflow` node, the child
 * compiled as a nested LangGraph graph with its own nested checkpoints) against the same nodes
 * inlined in one workflow. Both compiled by `compile`, run through `executeRun` (trace events on,
 * MemorySaver), alternated in one process; medians with p10–p90 and the ratio (goal ≤ 1.15).
 * Two model latencies: 0 ms (pure engine cost, the worst case for the ratio) and LATENCY_MS (a fast model).
 */
import { MemorySaver } from '@langchain/langgraph';
import { ModelScript } from '@flowcraft/schema';
import type { WorkflowDocumentInput } from '@flowcraft/schema';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { compile, createRunServices, executeRun } from '@flowcraft/engine';
import { childLibrary } from '@flowcraft/engine/testing';

const registry = createBuiltinRegistry();
const RUNS = Number(process.env.RUNS ?? 200);
const WARMUP = 30;
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 20);

const str = { type: 'string' as const, reducer: 'replace' as const };
const n = (id: string, type: string, config: Record<string, unknown>) => ({ id, type, config });
const e = (pairs: [string, string][]) => pairs.map(([source, target], i) => ({ id: `e${i}`, source, target }));
const llm = (id: string, input: string, output: string) =>
  n(id, 'llm', { model: 'scripted:bench', prompt: `Work on {{ state.${input} }}`, output });
const set = (id: string, channel: string, value: string) => n(id, 'transform', { assignments: [{ channel, value }] });
const script = (latencyMs: number, nodes: string[]) => ({
  latencyMs,
  nodes: Object.fromEntries(nodes.map((id) => [id, [{ content: `${id} done`, usage: { input: 5, output: 5 } }]])),
});

/** The child: start(brief) → draft (model) → polish (model) → finalize → end(final). */
const child = (latencyMs: number): WorkflowDocumentInput => ({
  id: 'bench-child',
  name: 'bench child',
  state: { brief: str, draft: str, polished: str, final: str },
  nodes: [
    n('start', 'start', { inputs: [{ channel: 'brief' }] }),
    llm('draft_it', 'brief', 'draft'),
    llm('polish', 'draft', 'polished'),
    set('finalize', 'final', 'FINAL {{ state.polished }}'),
    n('end', 'end', { outputs: ['final'] }),
  ],
  edges: e([
    ['start', 'draft_it'],
    ['draft_it', 'polish'],
    ['polish', 'finalize'],
    ['finalize', 'end'],
  ]),
  script: script(latencyMs, ['draft_it', 'polish']),
});

/** The parent: start(topic) → plan (model) → call the child → publish → end(post). */
const parent = (latencyMs: number, checkpoints: 'every-step' | 'on-exit'): WorkflowDocumentInput => ({
  id: 'bench-parent',
  name: 'bench parent',
  state: { topic: str, outline: str, result: str, post: str },
  nodes: [
    n('start', 'start', { inputs: [{ channel: 'topic' }] }),
    llm('plan', 'topic', 'outline'),
    n('call', 'subworkflow', {
      workflowId: 'bench-child',
      inputs: [{ from: 'outline', to: 'brief' }],
      outputs: [{ from: 'final', to: 'result' }],
      checkpoints,
    }),
    set('publish', 'post', '{{ state.result }}!'),
    n('end', 'end', { outputs: ['post'] }),
  ],
  edges: e([
    ['start', 'plan'],
    ['plan', 'call'],
    ['call', 'publish'],
    ['publish', 'end'],
  ]),
  script: script(latencyMs, ['plan']),
});

/** The same nodes inlined: start → plan → draft → polish → finalize → publish → end. */
const inlined = (latencyMs: number): WorkflowDocumentInput => ({
  id: 'bench-inlined',
  name: 'bench inlined',
  state: { topic: str, outline: str, draft: str, polished: str, final: str, post: str },
  nodes: [
    n('start', 'start', { inputs: [{ channel: 'topic' }] }),
    llm('plan', 'topic', 'outline'),
    llm('draft_it', 'outline', 'draft'),
    llm('polish', 'draft', 'polished'),
    set('finalize', 'final', 'FINAL {{ state.polished }}'),
    set('publish', 'post', '{{ state.final }}!'),
    n('end', 'end', { outputs: ['post'] }),
  ],
  edges: e([
    ['start', 'plan'],
    ['plan', 'draft_it'],
    ['draft_it', 'polish'],
    ['polish', 'finalize'],
    ['finalize', 'publish'],
    ['publish', 'end'],
  ]),
  script: script(latencyMs, ['plan', 'draft_it', 'polish']),
});

function runner(doc: WorkflowDocumentInput, children?: ReturnType<typeof childLibrary>) {
  const scriptOf = (d: WorkflowDocumentInput) => (d.script ? ModelScript.parse(d.script) : undefined);
  // The merged script (the child's replies under `call › …`) comes from a first compile, as the engine does.
  const merged = children
    ? compile(doc, registry, createRunServices({ env: {} }), { children, workflowId: doc.id }).script
    : scriptOf(doc);
  const services = createRunServices({ script: merged, env: {} });
  const compiled = compile(doc, registry, services, {
    checkpointer: new MemorySaver(),
    ...(children ? { children, workflowId: doc.id } : {}),
  });
  return async (i: number) => {
    let events = 0;
    const out = await executeRun({
      compiled,
      threadId: `t${i}`,
      input: { topic: 'tea' },
      streamTokens: false,
      onEvent: () => void events++,
    });
    if (out.status !== 'completed' || typeof out.output.post !== 'string' || !out.output.post.startsWith('FINAL'))
      throw new Error(`${doc.id}: unexpected ${JSON.stringify(out).slice(0, 300)}`);
    return events;
  };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

async function bench(latencyMs: number): Promise<{ steps: number; exit: number }> {
  const children = childLibrary([child(latencyMs)]);
  const sides = {
    steps: runner(parent(latencyMs, 'every-step'), children),
    exit: runner(parent(latencyMs, 'on-exit'), children),
    inlined: runner(inlined(latencyMs)),
  };
  const names = Object.keys(sides) as (keyof typeof sides)[];
  const times: Record<keyof typeof sides, number[]> = { steps: [], exit: [], inlined: [] };
  const runs = latencyMs > 0 ? Math.min(RUNS, 60) : RUNS;
  for (let i = 0; i < WARMUP + runs; i++) {
    // Rotate the order so no side always runs on a warmer heap.
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length] ?? 'inlined';
      const t0 = performance.now();
      await sides[name](i);
      if (i >= WARMUP) times[name].push(performance.now() - t0);
    }
  }
  const fmt = (xs: number[]) =>
    `${quantile(xs, 0.5).toFixed(2)} ms (p10 ${quantile(xs, 0.1).toFixed(2)}–p90 ${quantile(xs, 0.9).toFixed(2)})`;
  const base = quantile(times.inlined, 0.5);
  const steps = quantile(times.steps, 0.5) / base;
  const exit = quantile(times.exit, 0.5) / base;
  console.log(`model latency ${latencyMs} ms, ${runs} runs each:`);
  console.log(`  inlined                          ${fmt(times.inlined)}`);
  console.log(`  sub-workflow, every-step (default) ${fmt(times.steps)}  ratio ${steps.toFixed(2)}`);
  console.log(`  sub-workflow, on-exit            ${fmt(times.exit)}  ratio ${exit.toFixed(2)}`);
  return { steps, exit };
}

const zero = await bench(0);
const fast = await bench(LATENCY_MS);
const verdict = (r: number) => `${r.toFixed(2)} ${r <= 1.15 ? 'OK' : 'OVER'}`;
console.log(
  `sub-workflow / inlined (goal ≤ 1.15): every-step ${verdict(zero.steps)} at 0 ms, ${verdict(fast.steps)} at ${LATENCY_MS} ms; on-exit ${verdict(zero.exit)} at 0 ms, ${verdict(fast.exit)} at ${LATENCY_MS} ms`,
);
