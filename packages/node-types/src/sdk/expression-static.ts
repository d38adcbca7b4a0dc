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
