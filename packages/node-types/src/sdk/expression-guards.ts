import jsonata from 'jsonata';
import type { ExpressionLimits } from './expression-limits.js';

/**
 * Limits JSONata cannot enforce itself: its own guardrails (`timeout`, `stack`, `sequence`) are checked
 * between evaluation steps, so one built-in function called on a large value runs to its end. The
 * built-ins whose cost grows faster than their input, or whose output can dwarf it, are wrapped here
 * with input caps (measured: `$replace` on 1 M characters ≈ 0.5 s, `$sort` of 100 k numbers with the
 * default order > 30 s, `$distinct` of 100 k numbers ≈ 7 s, `$pad("", 5e8)` exhausts the heap).
 */

/** Thrown inside an evaluation when a limit is hit; turned into `expression_limit` by the evaluator. */
export class ExpressionLimitHit extends Error {
  readonly code = 'expression_limit';
  readonly limit: keyof ExpressionLimits;
  constructor(limit: keyof ExpressionLimits, message: string) {
    super(message);
    this.name = 'ExpressionLimitHit';
    this.limit = limit;
  }
}

/** Built-ins whose string arguments are capped at `maxStringArgument`. */
const STRING_CAPPED = [
  'replace',
  'pad',
  'base64encode',
  'base64decode',
  'uppercase',
  'lowercase',
  'formatNumber',
  'formatInteger',
  'parseInteger',
  'encodeUrl',
  'encodeUrlComponent',
  'decodeUrl',
  'decodeUrlComponent',
  'match',
  'contains',
  'split',
  'trim',
  'substringBefore',
  'substringAfter',
] as const;

interface NativeFunction {
  implementation: (...args: unknown[]) => unknown;
  signature?: { definition?: string };
}

function isNativeFunction(v: unknown): v is NativeFunction {
  return typeof v === 'object' && v !== null && 'implementation' in v && typeof v.implementation === 'function';
}

let originals: Promise<Map<string, NativeFunction>> | undefined;

/** JSONata's own implementations of the wrapped built-ins (looked up once, through its public API). */
function builtins(): Promise<Map<string, NativeFunction>> {
  originals ??= (async () => {
    const names = [...STRING_CAPPED, 'sort', 'distinct'];
    const map = new Map<string, NativeFunction>();
    for (const name of names) {
      const fn: unknown = await jsonata(`$${name}`).evaluate({});
      if (isNativeFunction(fn)) map.set(name, fn);
    }
    return map;
  })();
  return originals;
}

/** Signature strings of the wrapped built-ins, needed synchronously when an expression is compiled. */
const SIGNATURES: Record<string, string> = {
  replace: '<s-(sf)(sf)n?:s>',
  pad: '<s-ns?:s>',
  base64encode: '<s-:s>',
  base64decode: '<s-:s>',
  uppercase: '<s-:s>',
  lowercase: '<s-:s>',
  formatNumber: '<n-so?:s>',
  formatInteger: '<n-s:s>',
  parseInteger: '<s-s:n>',
  encodeUrl: '<s-:s>',
  encodeUrlComponent: '<s-:s>',
  decodeUrl: '<s-:s>',
  decodeUrlComponent: '<s-:s>',
  match: '<s-f<s:o>n?:a<o>>',
  contains: '<s-(sf):b>',
  split: '<s-(sf)n?:a<s>>',
  trim: '<s-:s>',
  substringBefore: '<s-s:s>',
  substringAfter: '<s-s:s>',
  sort: '<af?:a>',
  distinct: '<x:x>',
};

function tooLong(name: string, limits: ExpressionLimits): ExpressionLimitHit {
  return new ExpressionLimitHit(
    'maxStringArgument',
    `$${name} was given more than ${limits.maxStringArgument} characters (expression limit maxStringArgument)`,
  );
}

async function callOriginal(name: string, self: unknown, args: unknown[]): Promise<unknown> {
  const fn = (await builtins()).get(name);
  if (!fn) throw new Error(`JSONata has no built-in $${name}`);
  return fn.implementation.apply(self, args);
}

function isPrimitive(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** Pictures of `$formatNumber` / `$formatInteger` / `$parseInteger` (real ones are a few characters; 99 k took 0.2 s). */
const MAX_PICTURE = 1000;
const PICTURE_ARG: Partial<Record<(typeof STRING_CAPPED)[number], number>> = {
  formatNumber: 1,
  formatInteger: 1,
  parseInteger: 1,
};

/** JSON text with object keys sorted: equal for values JSONata's deep equality calls equal. */
function canonical(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, (_k, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    );
  } catch {
    return undefined;
  }
}

/** `$distinct` in one pass (JSONata's compares every pair: 5,000 objects took 13 s). */
function distinct(list: unknown[]): unknown[] | undefined {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const item of list) {
    if (typeof item === 'function') return undefined;
    const key = isPrimitive(item) ? `${typeof item}:${String(item)}` : canonical(item);
    if (key === undefined) return undefined;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(item);
    }
  }
  return out;
}

/** Register the capped built-ins on a compiled expression (they shadow JSONata's own, also inside `$eval`). */
export function registerGuardedFunctions(expr: jsonata.Expression, limits: ExpressionLimits): void {
  for (const name of STRING_CAPPED) {
    expr.registerFunction(
      name,
      function (this: jsonata.Focus, ...args: unknown[]) {
        for (const a of args)
          if (typeof a === 'string' && a.length > limits.maxStringArgument) throw tooLong(name, limits);
        if (name === 'pad' && typeof args[1] === 'number' && Math.abs(args[1]) > limits.maxStringArgument)
          throw tooLong(name, limits);
        const picture = PICTURE_ARG[name];
        if (picture !== undefined) {
          const p = args[picture];
          if (typeof p === 'string' && p.length > MAX_PICTURE)
            throw new ExpressionLimitHit(
              'maxStringArgument',
              `the picture of $${name} is over ${MAX_PICTURE} characters`,
            );
        }
        return callOriginal(name, this, args);
      },
      SIGNATURES[name],
    );
  }
  expr.registerFunction(
    'sort',
    function (this: jsonata.Focus, list: unknown, comparator: unknown) {
      if (!Array.isArray(list) || list.length <= 1) return callOriginal('sort', this, [list, comparator]);
      if (comparator === undefined) {
        // JSONata's default order, natively: numbers ascending or strings by code unit, stable.
        if (list.every((v) => typeof v === 'number')) return [...list].sort((a, b) => a - b);
        if (list.every((v) => typeof v === 'string')) return [...list].sort();
      }
      if (comparator === undefined && list.length > limits.maxSortItems)
        throw new ExpressionLimitHit('maxSortItems', `$sort of more than ${limits.maxSortItems} items`);
      return callOriginal('sort', this, [list, comparator]);
    },
    SIGNATURES.sort,
  );
  expr.registerFunction(
    'distinct',
    function (this: jsonata.Focus, list: unknown) {
      if (!Array.isArray(list) || list.length <= 1) return callOriginal('distinct', this, [list]);
      const fast = distinct(list);
      if (fast) return fast;
      if (list.length > limits.maxSortItems)
        throw new ExpressionLimitHit('maxSortItems', `$distinct of more than ${limits.maxSortItems} objects`);
      return callOriginal('distinct', this, [list]);
    },
    SIGNATURES.distinct,
  );
}

/**
 * Steps that only read a value (from the state or a variable) or pass one through (`:=`, `( ; )`,
 * `? :`): reading a large value is not building one, and what they pass on was checked where it was built.
 */
const READS = new Set([
  'path',
  'name',
  'variable',
  'parent',
  'wildcard',
  'descendant',
  'string',
  'bind',
  'block',
  'condition',
]);

function isRead(expr: unknown): boolean {
  return (
    expr !== null && typeof expr === 'object' && 'type' in expr && typeof expr.type === 'string' && READS.has(expr.type)
  );
}

/**
 * `__evaluate_exit` hook: no step may build a string or list over the limits (e.g. `$a & $a`
 * doubling, `$append($a, $a)`). Steps that only read are exempt, so a large document in the state
 * can still be sliced with `$substring`.
 */
export function exitHook(limits: ExpressionLimits) {
  return (expr: unknown, _input: unknown, _env: unknown, result: unknown): void => {
    if (isRead(expr)) return;
    if (typeof result === 'string') {
      if (result.length > limits.maxStringLength)
        throw new ExpressionLimitHit('maxStringLength', `a string of more than ${limits.maxStringLength} characters`);
    } else if (Array.isArray(result) && result.length > limits.maxItems) {
      throw new ExpressionLimitHit('maxItems', `a list of more than ${limits.maxItems} items`);
    }
  };
}
