import type { Assertion, CaseVerdict, EvaluatorResult, TestCaseBody } from '@flowcraft/schema';
import type { EvaluatorContext, EvaluatorRegistry, Verdict } from './define-evaluator.js';
import { checkJsonSchema } from './json-schema-check.js';
import { checkJsonata } from './jsonata-check.js';
import { checkLimits } from './limits-check.js';
import { checkLlmJudge } from './llm-judge.js';
import { checkBranchTaken, checkNodeNotRan, checkNodeRan } from './path-checks.js';
import { type EvaluationSubject, type RunFacts, runFacts } from './subject.js';
import { checkContains, checkEquals, checkRegex } from './value-checks.js';
import { show } from './value-path.js';

/** A short text naming the assertion (its `label` when given). */
export function assertionLabel(a: Assertion): string {
  if (a.label) return a.label;
  const at = 'target' in a ? (a.path ? `${a.target}.${a.path}` : a.target) : '';
  switch (a.type) {
    case 'equals':
      return `${at} = ${show(a.value)}`;
    case 'contains':
      return `${at} contains ${show(a.value)}`;
    case 'regex':
      return `${at} ~ /${a.pattern}/`;
    case 'json_schema':
      return `${at} matches schema`;
    case 'jsonata':
      return a.expression;
    case 'node_ran':
      return `${a.nodeId} ran`;
    case 'node_not_ran':
      return `${a.nodeId} did not run`;
    case 'branch_taken':
      return `${a.nodeId} → ${a.branch}`;
    case 'limits':
      return 'limits';
    case 'llm_judge':
      return `judge ${at} (≥ ${a.threshold})`;
    case 'custom':
      return a.evaluator;
  }
}

async function custom(
  a: Extract<Assertion, { type: 'custom' }>,
  subject: EvaluationSubject,
  ctx: EvaluatorContext,
  registry: EvaluatorRegistry | undefined,
): Promise<Verdict> {
  const evaluator = registry?.get(a.evaluator);
  if (!evaluator) return { pass: false, reason: `no evaluator named "${a.evaluator}" is registered` };
  const config = evaluator.config.safeParse(a.config);
  if (!config.success) return { pass: false, reason: `invalid config for ${a.evaluator}: ${config.error.message}` };
  return evaluator.evaluate(subject, config.data, ctx);
}

async function verdictOf(
  a: Assertion,
  subject: EvaluationSubject,
  facts: RunFacts,
  ctx: EvaluatorContext,
  registry: EvaluatorRegistry | undefined,
): Promise<Verdict> {
  switch (a.type) {
    case 'equals':
      return checkEquals(subject, a);
    case 'contains':
      return checkContains(subject, a);
    case 'regex':
      return checkRegex(subject, a);
    case 'json_schema':
      return checkJsonSchema(subject, a);
    case 'jsonata':
      return checkJsonata(subject, a, facts, ctx);
    case 'node_ran':
      return checkNodeRan(a, facts);
    case 'node_not_ran':
      return checkNodeNotRan(a, facts);
    case 'branch_taken':
      return checkBranchTaken(subject, a, facts);
    case 'limits':
      return checkLimits(a, facts);
    case 'llm_judge':
      return checkLlmJudge(subject, a, ctx);
    case 'custom':
      return custom(a, subject, ctx, registry);
  }
}

/** Runs one assertion; an evaluator that throws fails with the error as its reason. */
export async function evaluateAssertion(
  a: Assertion,
  subject: EvaluationSubject,
  ctx: EvaluatorContext = {},
  registry?: EvaluatorRegistry,
  facts: RunFacts = runFacts(subject),
): Promise<EvaluatorResult> {
  let v: Verdict;
  try {
    v = await verdictOf(a, subject, facts, ctx, registry);
  } catch (err) {
    v = { pass: false, reason: `evaluator failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  const score = v.score ?? (v.pass ? 1 : 0);
  return {
    evaluator: a.type === 'custom' ? a.evaluator : a.type,
    label: assertionLabel(a),
    pass: v.pass,
    score: Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0,
    reason: v.reason.length > 2000 ? `${v.reason.slice(0, 2000)}…` : v.reason,
  };
}

/** The assertions a case is judged by: its own, plus `equals` on the output when it gives `expected` and no value assertion. */
export function caseAssertions(c: Pick<TestCaseBody, 'assertions' | 'expected'>): Assertion[] {
  const list = [...c.assertions];
  if (c.expected !== undefined)
    list.unshift({ type: 'equals', target: 'output', value: c.expected, label: 'expected output' });
  return list;
}

/**
 * The verdict on one case: the run must have completed (else it fails with the run's error), then
 * every assertion must pass. Score: the mean of the assertion scores.
 */
export async function evaluateCase(
  c: Pick<TestCaseBody, 'assertions' | 'expected'>,
  subject: EvaluationSubject,
  ctx: EvaluatorContext = {},
  registry?: EvaluatorRegistry,
): Promise<CaseVerdict> {
  const assertions = caseAssertions(c);
  const facts = runFacts(subject);
  const results: EvaluatorResult[] = [];
  for (const a of assertions) results.push(await evaluateAssertion(a, subject, ctx, registry, facts));
  if (subject.status !== 'completed') {
    const why =
      subject.status === 'failed' && subject.error
        ? `run failed [${subject.error.code}]: ${subject.error.message}`
        : subject.status === 'interrupted'
          ? 'run paused waiting for a person (give the case a "resume" answer)'
          : `run ${subject.status}`;
    return { pass: false, score: 0, reason: why, results };
  }
  const firstFail = results.find((r) => !r.pass);
  const score = results.length === 0 ? 1 : results.reduce((s, r) => s + r.score, 0) / results.length;
  return {
    pass: firstFail === undefined,
    score,
    reason: firstFail
      ? `${firstFail.label}: ${firstFail.reason}`
      : results.length === 0
        ? 'run completed (no assertions)'
        : `all ${results.length} assertion(s) passed`,
    results,
  };
}
