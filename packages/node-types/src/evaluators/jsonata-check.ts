import type { z } from 'zod';
import type { JsonataAssertion } from '@flowcraft/schema';
import { resolveExpressionLimits } from '../sdk/expression-limits.js';
import { compileExpression } from '../sdk/template.js';
import type { EvaluatorContext, Verdict } from './define-evaluator.js';
import type { EvaluationSubject, RunFacts } from './subject.js';
import { show } from './value-path.js';

/** The `run` object JSONata assertions see. */
export function runObject(facts: RunFacts) {
  return {
    status: facts.status,
    path: facts.path,
    modelCalls: facts.modelCalls,
    tokens: facts.totalTokens,
    costUsd: facts.costUsd,
    durationMs: facts.durationMs,
  };
}

/**
 * A JSONata expression over `{ output, state, run }`, with the same time, depth and size budget as
 * workflow expressions (compiled by the node types' bounded evaluator). Passes when the value is truthy.
 */
export async function checkJsonata(
  subject: EvaluationSubject,
  a: z.infer<typeof JsonataAssertion>,
  facts: RunFacts,
  ctx: EvaluatorContext,
): Promise<Verdict> {
  let value: unknown;
  try {
    const expr = compileExpression(a.expression, resolveExpressionLimits(ctx.expressionLimits));
    value = await expr.evaluate({ output: subject.output ?? {}, state: subject.state, run: runObject(facts) });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { pass: false, reason: `expression ${show(a.expression)} failed: ${message}` };
  }
  const truthy = Array.isArray(value) ? value.length > 0 : Boolean(value);
  return truthy
    ? { pass: true, reason: `${a.expression} is ${show(value)}` }
    : { pass: false, reason: `${a.expression} is ${show(value)}, expected true` };
}
