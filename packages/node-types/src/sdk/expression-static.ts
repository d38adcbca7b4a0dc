import type jsonata from 'jsonata';
import type { ExpressionLimits } from './expression-limits.js';
import { regexError } from './linear-regexp.js';

/**
 * What validation can see in a parsed expression without running it: ranges whose literal bounds
 * exceed `maxItems` (`[1..100000000]`), and regex literals the linear-time engine cannot run
 * (backreferences, lookaround). Unbounded recursion and data-dependent sizes are only caught at run time.
 */
export function staticExpressionError(ast: jsonata.ExprNode, limits: ExpressionLimits): string | undefined {
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if ('type' in node) {
      const problem = nodeError(node, limits);
      if (problem) return problem;
    }
    for (const value of Object.values(node)) if (value !== null && typeof value === 'object') stack.push(value);
  }
  return undefined;
}

function literal(n: unknown): number | undefined {
  return n !== null &&
    typeof n === 'object' &&
    'type' in n &&
    n.type === 'number' &&
    'value' in n &&
    typeof n.value === 'number'
    ? n.value
    : undefined;
}

function nodeError(node: object, limits: ExpressionLimits): string | undefined {
  if ('value' in node && node.value instanceof RegExp) return regexError(node.value);
  if ('type' in node && node.type === 'binary' && 'value' in node && node.value === '..') {
    const lo = 'lhs' in node ? literal(node.lhs) : undefined;
    const hi = 'rhs' in node ? literal(node.rhs) : undefined;
    if (lo !== undefined && hi !== undefined && hi - lo + 1 > limits.maxItems)
      return `the range [${lo}..${hi}] has ${hi - lo + 1} items, over the limit of ${limits.maxItems} (expression limit maxItems)`;
  }
  return undefined;
}

const STRAIGHT_LITERALS = new Set(['string', 'number', 'value']);

/**
 * A "straight-line" expression: field paths, literals, arithmetic, comparisons, `&`, `and`/`or` and
 * `? :` — no function call, lambda, range, regex, filter, wildcard or block. Its cost is linear in
 * the size of the state it reads, so it runs without the per-step hooks (most placeholders are
 * `state.x`; the hooks cost about 8 µs on them, see bench/expression-budget.ts).
 */
export function isStraightLine(node: unknown, depth = 0): boolean {
  if (depth > 64 || node === null || typeof node !== 'object' || !('type' in node)) return false;
  if ('predicate' in node || 'stages' in node || 'group' in node || 'focus' in node || 'index' in node) return false;
  const type = node.type;
  if (typeof type === 'string' && STRAIGHT_LITERALS.has(type)) return true;
  if (type === 'name') return true;
  if (type === 'path')
    return 'steps' in node && Array.isArray(node.steps) && node.steps.every((s) => isStraightLine(s, depth + 1));
  if (type === 'binary')
    return (
      'value' in node &&
      node.value !== '..' &&
      'lhs' in node &&
      'rhs' in node &&
      isStraightLine(node.lhs, depth + 1) &&
      isStraightLine(node.rhs, depth + 1)
    );
  if (type === 'condition')
    return (
      'condition' in node &&
      'then' in node &&
      isStraightLine(node.condition, depth + 1) &&
      isStraightLine(node.then, depth + 1) &&
      (!('else' in node) || node.else === undefined || isStraightLine(node.else, depth + 1))
    );
  if (type === 'unary' && 'value' in node && node.value === '-' && 'expression' in node)
    return isStraightLine(node.expression, depth + 1);
  return false;
}
