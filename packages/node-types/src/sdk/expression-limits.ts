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
  maxDepth: z.number().int().min(10).max(100_000).default(2_000),
  /** Items of any list an expression builds: ranges `[1..n]`, path results, `$append`, … */
  maxItems: z.number().int().min(1).max(10_000_000).default(100_000),
  /** Characters of any string an expression builds (`&`, `$pad`, `$join`, …). */
  maxStringLength: z.number().int().min(1).max(100_000_000).default(1_000_000),
  /** Characters a costly string function (`$replace`, `$pad`, `$base64encode`, …) accepts. */
  maxStringArgument: z.number().int().min(1).max(100_000_000).default(100_000),
  /** Items the quadratic fallbacks accept: `$sort` of non-numbers/strings without a comparator, `$distinct` of values JSON cannot express. */
  maxSortItems: z.number().int().min(1).max(10_000_000).default(1_000),
});
export type ExpressionLimits = z.infer<typeof ExpressionLimits>;
export type ExpressionLimitsInput = z.input<typeof ExpressionLimits>;

/** Environment variable giving the default `timeoutMs` of every evaluation. */
export const EXPRESSION_TIMEOUT_ENV = 'FLOWCRAFT_EXPRESSION_TIMEOUT_MS';

function envTimeout(env: Record<string, string | undefined>): number | undefined {
  const raw = env[EXPRESSION_TIMEOUT_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 60_000 ? n : undefined;
}

/** The default limits under an environment: `FLOWCRAFT_EXPRESSION_TIMEOUT_MS` over the built-in defaults. */
export function expressionLimitsFromEnv(env: Record<string, string | undefined>): ExpressionLimits {
  const timeoutMs = envTimeout(env);
  return ExpressionLimits.parse(timeoutMs === undefined ? {} : { timeoutMs });
}

let processDefaults: ExpressionLimits | undefined;
const memo = new WeakMap<ExpressionLimitsInput, ExpressionLimits>();

/** This process's defaults, read from its environment once (like the rest of the engine's configuration). */
export function defaultExpressionLimits(): ExpressionLimits {
  processDefaults ??= expressionLimitsFromEnv(typeof process === 'undefined' ? {} : process.env);
  return processDefaults;
}

/** The limits in force: injected values over the process defaults. Memoized per injected object. */
export function resolveExpressionLimits(injected?: ExpressionLimitsInput): ExpressionLimits {
  if (injected === undefined) return defaultExpressionLimits();
  let limits = memo.get(injected);
  if (!limits) {
    limits = ExpressionLimits.parse({ ...defaultExpressionLimits(), ...injected });
    memo.set(injected, limits);
  }
  return limits;
}
