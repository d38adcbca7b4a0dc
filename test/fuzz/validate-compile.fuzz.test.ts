import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { validateWorkflow } from '@flowcraft/schema';
import type { Problem } from '@flowcraft/schema';
import { createBuiltinRegistry } from '@flowcraft/node-types';
import { clone, describeDoc, firstDifference } from './json.js';
import type { Json } from './json.js';
import { destructiveMutation, mildMutation, mutate, mutations } from './mutations.js';
import type { Mutation } from './mutations.js';
import { PropertyViolation, checkValidation, runPipeline } from './pipeline.js';
import type { PipelineOutcome } from './pipeline.js';
import { effectiveTimeoutMs, runOnce } from './run.js';
import { loadExamples, syntheticSeeds } from './seeds.js';
import type { Seed } from './seeds.js';

/**
 * Property-based robustness of validate → compile (→ run) under structural mutations of the
 * example documents and of synthetic documents covering every built-in node type.
 *
 * Reproduce a failure with the seed fast-check prints: FUZZ_SEED=<seed> pnpm exec vitest run --project test
 * (FUZZ_SCALE=<factor> scales the number of runs; FUZZ_STRICT=1 also fails on documents that
 * validate but do not compile).
 */

const DEFAULT_SEED = 424_242;
const SEED = Number.parseInt(process.env['FUZZ_SEED'] ?? '', 10);
const seed = Number.isFinite(SEED) ? SEED : DEFAULT_SEED;
const scale = Number.parseFloat(process.env['FUZZ_SCALE'] ?? '1');
const runs = (n: number): number => Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
const STRICT = process.env['FUZZ_STRICT'] === '1';

/** Wall-clock budget for validating and compiling one document. */
const PER_DOC_BUDGET_MS = 5_000;

const examples = loadExamples();
const seeds: Seed[] = [...examples, ...syntheticSeeds()];
const seedIndex = fc.integer({ min: 0, max: seeds.length - 1 });

function seedAt(i: number): Seed {
  const s = seeds[i];
  if (!s) throw new Error(`no seed ${i}`);
  return s;
}

const stats = {
  pipeline: { invalid: 0, compiled: 0, compileRejected: 0, slowestMs: 0, slowest: '' },
  determinism: { runs: 0 },
  execution: { tried: 0, executed: 0, statuses: new Map<string, number>(), slowestMs: 0 },
  codes: new Map<string, number>(),
  /** Documents that validate but do not compile (reported, failing only with FUZZ_STRICT=1). */
  rejected: new Map<string, { seed: string; mutations: Mutation[]; problems: Problem[] }>(),
};

function countCodes(problems: readonly Problem[]): void {
  for (const p of problems) stats.codes.set(p.code, (stats.codes.get(p.code) ?? 0) + 1);
}

afterAll(() => {
  const codes = [...stats.codes.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c}=${n}`)
    .join(' ');
  const statuses = [...stats.execution.statuses.entries()].map(([s, n]) => `${s}=${n}`).join(' ');
  const lines = [
    `[fuzz] seed=${seed} seeds=${seeds.length} (${examples.length} example(s))`,
    `[fuzz] pipeline: invalid=${stats.pipeline.invalid} compiled=${stats.pipeline.compiled} compileRejected=${stats.pipeline.compileRejected} slowest=${stats.pipeline.slowestMs.toFixed(0)}ms (${stats.pipeline.slowest})`,
    `[fuzz] determinism runs=${stats.determinism.runs}`,
    `[fuzz] execution: tried=${stats.execution.tried} executed=${stats.execution.executed} ${statuses} slowest=${stats.execution.slowestMs.toFixed(0)}ms`,
    `[fuzz] problem codes: ${codes}`,
  ];
  for (const [key, r] of stats.rejected) {
    lines.push(
      `[fuzz] VALIDATES BUT DOES NOT COMPILE (${key}) seed doc ${r.seed}, mutations ${describeDoc(r.mutations, 600)}: ${r.problems
        .map((p) => p.message)
        .join('; ')
        .slice(0, 600)}`,
    );
  }
  console.log(lines.join('\n'));
});

/** Mutate a seed, run validate → compile within the time budget, and record the outcome. */
function checkOnce(s: Seed, ms: Mutation[]): PipelineOutcome {
  const doc = mutate(s.doc, ms);
  const t0 = performance.now();
  const outcome = runPipeline(doc);
  const took = performance.now() - t0;
  if (took > stats.pipeline.slowestMs) {
    stats.pipeline.slowestMs = took;
    stats.pipeline.slowest = `${s.name} ${describeDoc(ms, 400)}`;
  }
  if (took >= PER_DOC_BUDGET_MS)
    throw new PropertyViolation(`validate + compile took ${took.toFixed(0)} ms (budget ${PER_DOC_BUDGET_MS} ms)`, doc);
  stats.pipeline[outcome.kind]++;
  if (outcome.kind !== 'compiled') countCodes(outcome.problems);
  if (outcome.kind === 'compileRejected') {
    const key = outcome.problems.map((p) => `${p.code}@${p.path.join('.')}`).join(',');
    if (!stats.rejected.has(key)) stats.rejected.set(key, { seed: s.name, mutations: ms, problems: outcome.problems });
    if (STRICT)
      throw new PropertyViolation(
        `validates but compile rejects it: ${outcome.problems.map((p) => p.message).join('; ')}`,
        doc,
      );
  }
  return outcome;
}

describe('seed documents', () => {
  it('finds at least one example document', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples.map((s) => [s.name, s] as const))('%s validates and compiles unmutated', (_name, s) => {
    const result = validateWorkflow(s.doc, createBuiltinRegistry());
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
    const outcome = runPipeline(s.doc);
    expect(outcome.kind).toBe('compiled');
  });

  it.each(syntheticSeeds().map((s) => [s.name, s] as const))(
    '%s (synthetic seed) validates and compiles unmutated',
    (_name, s) => {
      const outcome = runPipeline(s.doc);
      if (outcome.kind !== 'compiled')
        expect.fail(`${s.name}: ${outcome.kind} ${outcome.problems.map((p) => p.message).join('; ')}`);
    },
  );
});

describe('validate → compile under structural mutations', () => {
  it('always ends in problems, a compiled graph, or InvalidDocumentError; never throws otherwise, never hangs', () => {
    fc.assert(
      fc.property(seedIndex, mutations, (i, ms) => {
        checkOnce(seedAt(i), ms);
      }),
      { seed, numRuns: runs(170) },
    );
  });

  it('garbage anywhere in a document never makes validate or compile throw', () => {
    // Only the most destructive mutations, several at once.
    const destructive = fc.array(destructiveMutation, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(seedIndex, destructive, (i, ms) => {
        checkOnce(seedAt(i), ms);
      }),
      { seed: seed + 1, numRuns: runs(50) },
    );
  });
});

describe('validateWorkflow', () => {
  it('is deterministic, does not mutate its input, and accepts its own parsed document', () => {
    fc.assert(
      fc.property(seedIndex, mutations, (i, ms) => {
        stats.determinism.runs++;
        const doc: Json = mutate(seedAt(i).doc, ms);
        const before = clone(doc);
        const first = validateWorkflow(doc, createBuiltinRegistry());
        const mutated = firstDifference(doc, before);
        if (mutated !== undefined)
          throw new PropertyViolation(`validateWorkflow mutated its input at ${mutated}`, before);
        checkValidation(first, doc);
        // A fresh registry and a fresh copy of the input: same answer.
        const second = validateWorkflow(clone(doc), createBuiltinRegistry());
        const diff = firstDifference(second, first);
        if (diff !== undefined) throw new PropertyViolation(`validateWorkflow is not deterministic: ${diff}`, doc);
        if (first.ok) {
          const again = validateWorkflow(clone(first.document), createBuiltinRegistry());
          if (!again.ok)
            throw new PropertyViolation(
              `the parsed document of a valid input does not validate: ${again.problems.map((p) => p.message).join('; ')}`,
              doc,
            );
          const redo = firstDifference(again.document, first.document);
          if (redo !== undefined)
            throw new PropertyViolation(`validating the parsed document changes it: ${redo}`, doc);
        }
      }),
      { seed: seed + 2, numRuns: runs(60) },
    );
  });
});

describe('running mutated documents that compile', () => {
  // Mutations that often keep a document valid, so that something runs.
  const mild = fc.array(mildMutation, { minLength: 1, maxLength: 2 });

  it('ends (completed, failed, interrupted, or cancelled at the 2 s budget) and never hangs', async () => {
    await fc.assert(
      fc.asyncProperty(seedIndex, mild, async (i, ms) => {
        stats.execution.tried++;
        const doc = mutate(seedAt(i).doc, ms);
        const outcome = runPipeline(doc);
        // Only documents that compile count as runs (fast-check generates more until numRuns ran).
        fc.pre(outcome.kind === 'compiled');
        if (outcome.kind !== 'compiled') return;
        stats.execution.executed++;
        const result = await runOnce(doc, outcome.document, 2_000, 3_000);
        stats.execution.slowestMs = Math.max(stats.execution.slowestMs, result.ms);
        if (!result.ended)
          throw new PropertyViolation(
            `the run did not end within ${result.ms.toFixed(0)} ms (aborted at 2000 ms)`,
            doc,
          );
        const status = result.outcome.status;
        stats.execution.statuses.set(status, (stats.execution.statuses.get(status) ?? 0) + 1);
        if (!['completed', 'failed', 'interrupted', 'cancelled'].includes(status))
          throw new PropertyViolation(`unexpected run status ${String(status)}`, doc);
        // A node cannot time out before its timeout has elapsed.
        if (
          result.outcome.status === 'failed' &&
          result.outcome.error.code === 'node_timeout' &&
          result.outcome.error.nodeId !== undefined
        ) {
          const limit = effectiveTimeoutMs(outcome.document, result.outcome.error.nodeId);
          if (limit !== undefined && limit > 0 && result.ms + 5 < limit) {
            throw new PropertyViolation(
              `node "${result.outcome.error.nodeId}" timed out after ${result.ms.toFixed(0)} ms of run time although its timeout is ${limit} ms: ${result.outcome.error.message}`,
              doc,
            );
          }
        }
      }),
      { seed: seed + 3, numRuns: runs(30), maxSkipsPerRun: 50 },
    );
  });
});
