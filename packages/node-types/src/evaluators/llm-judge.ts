import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { z } from 'zod';
import type { LlmJudgeAssertion } from '@flowcraft/schema';
import type { EvaluatorContext, Verdict } from './define-evaluator.js';
import type { EvaluationSubject } from './subject.js';
import { readTarget } from './value-path.js';

/** The scripted model keys judge replies by this node id (`script.nodes.__judge`, or rules with `node: "__judge"`). */
export const JUDGE_NODE_ID = '__judge';

const JUDGEMENT_SCHEMA = {
  title: 'judgement',
  type: 'object',
  properties: {
    score: { type: 'number', minimum: 0, maximum: 1, description: 'How well the answer meets the rubric, 0 to 1.' },
    reason: { type: 'string', description: 'One or two sentences explaining the score.' },
  },
  required: ['score', 'reason'],
};

const SYSTEM = [
  'You grade the output of an automated workflow against a rubric.',
  'Answer with a score between 0 (fails the rubric) and 1 (fully meets it) and a short reason.',
  'Rubric:',
].join('\n');

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** LLM-as-judge: a chat model grades the value against the rubric; passes at `threshold` or above. */
export async function checkLlmJudge(
  subject: EvaluationSubject,
  a: z.infer<typeof LlmJudgeAssertion>,
  ctx: EvaluatorContext,
): Promise<Verdict> {
  if (!ctx.models) return { pass: false, reason: 'no model factory is available to the judge' };
  const got = readTarget(subject, a.target, a.path);
  let score: number;
  let why: string;
  try {
    const model = ctx.models.chat(a.model, { nodeId: JUDGE_NODE_ID });
    const judge = model.withStructuredOutput(JUDGEMENT_SCHEMA, { name: 'judgement' });
    const res: unknown = await judge.invoke(
      [
        new SystemMessage(`${SYSTEM}\n${a.rubric}`),
        new HumanMessage(`Output to grade (${got.where}):\n${asText(got.value)}`),
      ],
      ctx.signal ? { signal: ctx.signal } : {},
    );
    const rawScore = res !== null && typeof res === 'object' ? Reflect.get(res, 'score') : undefined;
    const rawReason = res !== null && typeof res === 'object' ? Reflect.get(res, 'reason') : undefined;
    if (typeof rawScore !== 'number' || !Number.isFinite(rawScore))
      return { pass: false, reason: `the judge (${a.model}) returned no score` };
    score = Math.min(1, Math.max(0, rawScore));
    why = typeof rawReason === 'string' ? rawReason : '';
  } catch (err) {
    return {
      pass: false,
      reason: `the judge (${a.model}) failed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  const verdict = score >= a.threshold ? 'passes' : 'fails';
  return {
    pass: score >= a.threshold,
    score,
    reason: `judge ${verdict} with ${score.toFixed(2)} (threshold ${a.threshold})${why ? `: ${why}` : ''}`,
  };
}
