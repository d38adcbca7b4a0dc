/**
 * Benchmark (b): validate + compile time for generated documents of 100, 1,000 and 5,000 nodes.
 * Baseline: the 100-node document, scaled linearly. Prints ms per size and the growth ratio
 * (time per node at size N / time per node at 100; ≈1 means linear). Goal: < 200 ms at 1,000 nodes.
 */
import { MemorySaver } from '@langchain/langgraph';
import { validateWorkflow } from '@flowcraft/schema';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { compile, createRunServices } from '@flowcraft/engine';
import { generateDocument } from './generate-document.js';

const registry = createBuiltinRegistry();
const services = createRunServices({ env: {} });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function time(size: number, reps: number): { validate: number; total: number; nodes: number } {
  const doc = generateDocument(size);
  const v: number[] = [];
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const json = JSON.parse(JSON.stringify(doc));
    const t0 = performance.now();
    const res = validateWorkflow(json, registry);
    const t1 = performance.now();
    if (!res.ok) throw new Error(`generated document invalid: ${JSON.stringify(res.problems.slice(0, 3))}`);
    // compile() validates again itself: this is the full cost of turning a saved document into a graph.
    compile(structuredClone(doc), registry, services, { checkpointer: new MemorySaver() });
    const t2 = performance.now();
    v.push(t1 - t0);
    t.push(t2 - t1);
  }
  return { validate: median(v), total: median(t), nodes: doc.nodes.length };
}

time(100, 5); // warm up
const sizes = [100, 1000, 5000];
const rows = sizes.map((s) => ({ size: s, ...time(s, s >= 5000 ? 3 : 7) }));
const base = rows[0]!.total / rows[0]!.nodes;
console.log('validate+compile (median)');
for (const r of rows) {
  const perNode = r.total / r.nodes;
  console.log(
    `  ${String(r.nodes).padStart(5)} nodes: validate ${r.validate.toFixed(1)} ms, compile (validates too) ${r.total.toFixed(1)} ms, ${(perNode * 1000).toFixed(1)} µs/node, growth ratio vs 100 nodes ${(perNode / base).toFixed(2)}`,
  );
}
const k = rows.find((r) => r.size === 1000)!;
console.log(`1,000 nodes: ${k.total.toFixed(1)} ms (goal < 200 ms) ${k.total < 200 ? 'OK' : 'OVER'}`);
