import { z } from 'zod';

/** One assertion's verdict. `reason` always says why (expected vs got, the judge's words, the limit hit). */
export const EvaluatorResult = z.object({
  /** The assertion's type (or the custom evaluator's name). */
  evaluator: z.string(),
  /** Short description of the assertion (its `label`, or generated). */
  label: z.string(),
  pass: z.boolean(),
  /** In [0, 1]: 1 or 0 for checks, the judge's grade for `llm_judge`. */
  score: z.number().min(0).max(1),
  reason: z.string(),
});
export type EvaluatorResult = z.infer<typeof EvaluatorResult>;

/** The verdict on one case: passes when the run completed and every assertion passed. */
export const CaseVerdict = z.object({
  pass: z.boolean(),
  /** Mean of the assertion scores (0 when the run did not complete). */
  score: z.number().min(0).max(1),
  /** The first failure's reason, or "all N assertions passed". */
  reason: z.string(),
  results: z.array(EvaluatorResult),
});
export type CaseVerdict = z.infer<typeof CaseVerdict>;
