import type { z } from 'zod';
import type { LimitsAssertion } from '@flowcraft/schema';
import type { Verdict } from './define-evaluator.js';
import type { RunFacts } from './subject.js';

/** Every given bound holds; the reason lists each measured value against its bound. */
export function checkLimits(a: z.infer<typeof LimitsAssertion>, facts: RunFacts): Verdict {
  const checks: { name: string; value: number; max: number | undefined; unit: string }[] = [
    { name: 'cost', value: facts.costUsd, max: a.maxCostUsd, unit: ' USD' },
    { name: 'tokens', value: facts.totalTokens, max: a.maxTokens, unit: '' },
    { name: 'duration', value: facts.durationMs, max: a.maxDurationMs, unit: ' ms' },
    { name: 'model calls', value: facts.modelCalls, max: a.maxModelCalls, unit: '' },
  ];
  const given = checks.filter((c) => c.max !== undefined);
  if (given.length === 0) return { pass: false, reason: 'no limit given' };
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(6).replace(/0+$/, ''));
  const over = given.filter((c) => c.value > (c.max ?? 0));
  const parts = given.map((c) => `${c.name} ${fmt(c.value)}${c.unit} ≤ ${fmt(c.max ?? 0)}${c.unit}`);
  if (over.length === 0) return { pass: true, reason: `within limits: ${parts.join(', ')}` };
  return {
    pass: false,
    reason: `over the limit: ${over.map((c) => `${c.name} ${fmt(c.value)}${c.unit} > ${fmt(c.max ?? 0)}${c.unit}`).join(', ')}`,
  };
}
