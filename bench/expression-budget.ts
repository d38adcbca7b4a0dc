/**
 * Benchmark: bounded expressions (issue 12 item 2).
 *
 * 1. Poison expressions — the longest event-loop block while one evaluates: plain JSONata (the baseline,
 *    in a worker so the bench survives it; cut after CAP_S seconds) vs ours (`evaluate` with the default
 *    limits, on this thread). Lag = the worst delay of a 5 ms timer.
 * 2. Overhead on ordinary templates and expressions: ours (guardrails, exit hook, capped built-ins,
 *    RE2 regexes, yielding between evaluations) vs plain JSONata compiled once, same process,
 *    interleaved rounds. Prints median µs per evaluation with p10–p90 spread, and the ratio of medians.
 *
 *   pnpm bench:expressions        (CAP_S=10 ROUNDS=15 ITER=2000 by default)
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { evaluate, render } from '@flowcraft/node-types';

const CAP_S = Number(process.env.CAP_S ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const ITER = Number(process.env.ITER ?? 2000);

const requireFromNodeTypes = createRequire(new URL('../packages/node-types/package.json', import.meta.url));
const jsonataPath = requireFromNodeTypes.resolve('jsonata');
type Compiled = { evaluate(input: unknown): Promise<unknown> };
const jsonata: (expr: string) => Compiled = requireFromNodeTypes('jsonata');

const POISON: Record<string, string> = {
  'tail recursion (issue 12)': '($f := function($n){ $f($n + 1) }; $f(0))',
  'nested ranges (issue 12)': '$count([1..1000].([1..1000].([1..100])))',
  'deep recursion': '($f := function($n){ 1 + $f($n + 1) }; $f(0))',
  'ReDoS regex': '$contains("aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /^(a+)+$/)',
  '$sort 100k numbers': '$count($sort([1..100000]))',
  '$replace on 1M chars': '$length($replace($pad("", 1000000, "a"), "a", "bb"))',
  'string doubling': '$length($reduce([1..28], function($a, $v){ $a & $a }, "a"))',
};

/** Plain JSONata in a worker: the worker's own worst timer delay, or undefined when cut at CAP_S. */
function baselineLag(expr: string): Promise<number | undefined> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const jsonata = require(workerData.path);
    let lag = 0, last = performance.now();
    const t = setInterval(() => { const n = performance.now(); lag = Math.max(lag, n - last - 5); last = n; }, 5);
    const done = () => setTimeout(() => { clearInterval(t); parentPort.postMessage(lag); }, 10);
    jsonata(workerData.expr).evaluate({}).then(done, done);`;
  return new Promise((resolve) => {
    const w = new Worker(code, {
      eval: true,
      workerData: { path: jsonataPath, expr },
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    const timer = setTimeout(() => {
      void w.terminate();
      resolve(undefined);
    }, CAP_S * 1000);
    w.once('message', (lag: number) => {
      clearTimeout(timer);
      void w.terminate();
      resolve(lag);
    });
    w.once('error', () => {
      clearTimeout(timer);
      resolve(Number.NaN);
    });
  });
}

async function oursLag(expr: string): Promise<{ lag: number; code: string }> {
  let lag = 0;
  let last = performance.now();
  const t = setInterval(() => {
    const n = performance.now();
    lag = Math.max(lag, n - last - 5);
    last = n;
  }, 5);
  let code = 'ok';
  try {
    await evaluate(expr, {});
  } catch (err) {
    code = err instanceof Error && 'code' in err ? String(err.code) : 'error';
  }
  await new Promise((r) => setTimeout(r, 10));
  clearInterval(t);
  return { lag, code };
}

const fmt = (ms: number | undefined) =>
  ms === undefined ? `> ${CAP_S} s (cut)` : Number.isNaN(ms) ? 'crashed' : `${ms.toFixed(0)} ms`;

console.log(`1. Poison expressions: longest event-loop block (plain JSONata in a worker, cut at ${CAP_S} s)`);
console.log(`${'expression'.padEnd(28)} ${'plain JSONata'.padStart(16)} ${'ours'.padStart(10)}  outcome`);
for (const [name, expr] of Object.entries(POISON)) {
  const before = await baselineLag(expr);
  const after = await oursLag(expr);
  console.log(`${name.padEnd(28)} ${fmt(before).padStart(16)} ${fmt(after.lag).padStart(10)}  ${after.code}`);
}

// 2. Overhead on ordinary work.
const state = {
  topic: 'tides',
  user: { name: 'Ada', plan: 'pro' },
  score: 0.91,
  tags: ['moon', 'sea', 'gravity', 'coast'],
  items: Array.from({ length: 20 }, (_, i) => ({ sku: `s${i}`, price: i * 3 })),
};
const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;
const plainCache = new Map<string, Compiled>();
const plain = (e: string): Compiled => {
  let c = plainCache.get(e);
  if (!c) {
    c = jsonata(e);
    plainCache.set(e, c);
  }
  return c;
};
async function plainRender(template: string): Promise<string> {
  const parts: string[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, m.index));
    const v = await plain((m[1] ?? '').trim()).evaluate({ state });
    parts.push(typeof v === 'string' ? v : JSON.stringify(v));
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(template.slice(last));
  return parts.join('');
}

const CASES: { name: string; ours: () => Promise<unknown>; base: () => Promise<unknown> }[] = [
  {
    name: 'prompt template (2 placeholders)',
    ours: () => render('Write about {{ state.topic }} for {{ state.user.name }}.', state),
    base: () => plainRender('Write about {{ state.topic }} for {{ state.user.name }}.'),
  },
  {
    name: 'router rule',
    ours: () => evaluate('state.score > 0.8', state),
    base: () => plain('state.score > 0.8').evaluate({ state }),
  },
  {
    name: 'filter + sum over 20 items',
    ours: () => evaluate('$sum(state.items[price > 10].price)', state),
    base: () => plain('$sum(state.items[price > 10].price)').evaluate({ state }),
  },
  {
    name: '$join($sort(tags)) + regex',
    ours: () => evaluate('$join($sort(state.tags), ",") & $replace(state.topic, /t/, "T")', state),
    base: () => plain('$join($sort(state.tags), ",") & $replace(state.topic, /t/, "T")').evaluate({ state }),
  },
];

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

async function perEval(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < ITER; i++) await fn();
  return ((performance.now() - t0) * 1000) / ITER;
}

console.log(`\n2. Overhead: µs per evaluation, median (p10–p90) of ${ROUNDS} interleaved rounds × ${ITER}`);
console.log(`${'case'.padEnd(34)} ${'plain JSONata'.padStart(20)} ${'ours'.padStart(20)}  ratio`);
for (const c of CASES) {
  const base: number[] = [];
  const ours: number[] = [];
  await perEval(c.base);
  await perEval(c.ours);
  for (let r = 0; r < ROUNDS; r++) {
    base.push(await perEval(c.base));
    ours.push(await perEval(c.ours));
  }
  const show = (xs: number[]) =>
    `${quantile(xs, 0.5).toFixed(1)} (${quantile(xs, 0.1).toFixed(1)}–${quantile(xs, 0.9).toFixed(1)})`;
  const ratio = quantile(ours, 0.5) / quantile(base, 0.5);
  console.log(`${c.name.padEnd(34)} ${show(base).padStart(20)} ${show(ours).padStart(20)}  ${ratio.toFixed(2)}×`);
}
