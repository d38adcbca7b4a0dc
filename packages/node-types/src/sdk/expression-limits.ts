import { z } from 'zod';

/**
 * The budget of one template or JSONata evaluation. Over it, the node fails with `expression_limit`.
 * Sized so that no single evaluation blocks the event loop for more than about `timeoutMs`
 * (measured in bench/expression-budget.ts).
 */
export const ExpressionLimits = z.object({
  /** Wall-clock budget of one evaluation, checked at every evaluation step (JSONata's `timeout`). */
  timeoutMs: z.number().int().min(1).max(60_000).default(100),
  /** Nesting depth of evaluation steps, e.g. non-tail recursion (JSONata's `stack`). */
  maxDepth: z.number().int().min(10).max(10_000).default(500),
  /** Items of any list an expression builds: ranges `[1..n]`, path results, `$append`, … */
  maxItems: z.number().int().min(1).max(10_000_000).default(100_000),
  /** Characters of any string an expression builds (`&`, `$pad`, `$join`, …). */
  maxStringLength: z.number().int().min(1).max(100_000_000).default(1_000_000),
  /** Characters a costly string function (`$replace`, `$pad`, `$base64encode`, …) accepts. */
  maxStringArgument: z.number().int().min(1).max(100_000_000).default(100_000),
  /** Items a super-linear list function (`$sort` with the default order, `$distinct` of objects) accepts. */
  maxSortItems: z.number().int().min(1).max(10_000_000).default(5_000),
});
export type ExpressionLimits = z.infer<typeof ExpressionLimits>;
export type ExpressionLimitsInput = z.input<typeof ExpressionLimits>;

/** Environment variable giving the default `timeoutMs` of every evaluation. */
export const EXPRESSION_TIMEOUT_ENV = 'FLOWCRAFT_EXPRESSION_TIMEOUT_MS';

function envTimeout(): number | undefined {
  if (typeof process === 'undefined' || !process.env) return undefined;
  const raw = process.env[EXPRESSION_TIMEOUT_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 60_000 ? n : undefined;
}

interface Memo {
  env: number | undefined;
  limits: ExpressionLimits;
}
const memo = new WeakMap<ExpressionLimitsInput, Memo>();
const NONE: ExpressionLimitsInput = {};

/**
 * The limits in force: injected values over `FLOWCRAFT_EXPRESSION_TIMEOUT_MS` over the defaults.
 * Memoized per injected object (every evaluation calls this).
 */
export function resolveExpressionLimits(injected: ExpressionLimitsInput = NONE): ExpressionLimits {
  const env = envTimeout();
  const hit = memo.get(injected);
  if (hit && hit.env === env) return hit.limits;
  const timeoutMs = injected.timeoutMs ?? env;
  const limits = ExpressionLimits.parse({ ...injected, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  memo.set(injected, { env, limits });
  return limits;
}
