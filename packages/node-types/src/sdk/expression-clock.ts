import type { ExpressionLimits } from './expression-limits.js';
import { ExpressionLimitHit } from './expression-guards.js';

/**
 * The time budget of evaluations, as a JSONata `__evaluate_entry` hook run before every step.
 *
 * - Time is charged to the evaluation that was running: the interval between two consecutive steps
 *   (of any evaluation in the process) goes to the evaluation that took the first of them. Concurrent
 *   evaluations (parallel branches) interleave step by step, so each pays only for its own steps; a
 *   wall clock would charge each for all of them.
 * - One interval counts at most `SLICE_MS`: a GC pause or the process being descheduled between two
 *   steps does not fail a cheap expression (with JSONata's own wall-clock `timeout`, one in ~100 k
 *   ordinary evaluations failed on a loaded machine).
 * - After `SLICE_MS` of its own work an evaluation yields to the event loop (the hook returns a
 *   promise JSONata awaits), so timers, I/O and health checks run while a long expression is cut.
 */
export const SLICE_MS = 10;

interface Budget {
  spent: number;
  sinceYield: number;
}

const budgets = new WeakMap<object, Budget>();
let lastBudget: Budget | undefined;
let lastAt = 0;

const later: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

/** One budget per evaluation: JSONata gives every evaluation its own root frame, `environment.base`. */
function budgetOf(env: unknown): Budget | undefined {
  if (env === null || typeof env !== 'object') return undefined;
  const base: unknown = Reflect.get(env, 'base');
  if (base === null || typeof base !== 'object') return undefined;
  let b = budgets.get(base);
  if (!b) {
    b = { spent: 0, sinceYield: 0 };
    budgets.set(base, b);
  }
  return b;
}

export function entryHook(limits: ExpressionLimits) {
  return (_expr: unknown, _input: unknown, env: unknown): Promise<void> | undefined => {
    const budget = budgetOf(env);
    if (!budget) return undefined;
    const now = performance.now();
    if (lastBudget) {
      const d = Math.min(now - lastAt, SLICE_MS);
      lastBudget.spent += d;
      lastBudget.sinceYield += d;
    }
    lastBudget = budget;
    lastAt = now;
    if (budget.spent > limits.timeoutMs) {
      throw new ExpressionLimitHit(
        'timeoutMs',
        `evaluation ran for more than ${limits.timeoutMs} ms (an unbounded loop or recursion?)`,
      );
    }
    if (budget.sinceYield < SLICE_MS) return undefined;
    budget.sinceYield = 0;
    // The time until the next step is the event loop's, not this evaluation's.
    lastBudget = undefined;
    return new Promise((resolve) => later(resolve));
  };
}
