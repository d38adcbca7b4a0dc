import jsonata from 'jsonata';
import { FlowError } from '@flowcraft/schema';
import { ExpressionLimitHit, exitHook, registerGuardedFunctions } from './expression-guards.js';
import { SLICE_MS, entryHook } from './expression-clock.js';
import { type ExpressionLimits, type ExpressionLimitsInput, resolveExpressionLimits } from './expression-limits.js';
import { isStraightLine, staticExpressionError } from './expression-static.js';
import { LinearRegExp } from './linear-regexp.js';
import { yieldIfBusy } from './yield-if-busy.js';

/**
 * The one template syntax of Flowcraft: text with `{{ expression }}` placeholders, where each
 * expression is JSONata (https://jsonata.org) evaluated against `{ state }`.
 * Examples: `Write about {{ state.topic }}`, `{{ $count(state.items) }} items`,
 * `{{ state.user.name ? state.user.name : "friend" }}`.
 * Strings are inserted as is; other values as JSON; missing values as an empty string.
 * Expressions (without braces) are used where a value, not text, is wanted (rules, map lists).
 *
 * Every evaluation is bounded (see `ExpressionLimits`): time and depth by JSONata's guardrails,
 * list and string sizes by hooks and capped built-ins, regexes by a linear-time engine. Over the
 * budget, the evaluation fails with `expression_limit` naming the node and the config field.
 */
const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;
const MAX_CACHE = 5000;
/** Compiled expressions per limits object (limits are memoized, so one map per configuration). */
const caches = new WeakMap<ExpressionLimits, Map<string, jsonata.Expression>>();

/** Where an expression sits, for its errors; and the limits to apply (defaults: `resolveExpressionLimits()`). */
export interface ExpressionContext {
  nodeId?: string;
  /** Config field path, e.g. `prompt`, `routes.0.when`, `headers.Authorization`. */
  field?: string;
  limits?: ExpressionLimitsInput;
}

const ENTRY_HOOK = Symbol.for('jsonata.__evaluate_entry');
const EXIT_HOOK = Symbol.for('jsonata.__evaluate_exit');

function build(expr: string, limits: ExpressionLimits): jsonata.Expression {
  // Time is our entry hook's (see expression-clock.ts); depth and list sizes are JSONata's guardrails.
  const options: jsonata.JsonataOptions = { stack: limits.maxDepth, sequence: limits.maxItems };
  // JSONata types `RegexEngine` as RegExpConstructor; it only calls `new Engine(regex)` and `exec`.
  Reflect.set(options, 'RegexEngine', LinearRegExp);
  const compiled = jsonata(expr, options);
  if (isStraightLine(compiled.ast())) return compiled;
  registerGuardedFunctions(compiled, limits);
  // The hooks are looked up by symbol; `assign` is typed for string names only.
  Reflect.apply(compiled.assign, compiled, [ENTRY_HOOK, entryHook(limits)]);
  Reflect.apply(compiled.assign, compiled, [EXIT_HOOK, exitHook(limits)]);
  return compiled;
}

/** Compile (and cache) an expression under the given limits. Throws `invalid_document` on a syntax error. */
export function compileExpression(
  expr: string,
  limits: ExpressionLimits = resolveExpressionLimits(),
): jsonata.Expression {
  let cache = caches.get(limits);
  if (!cache) {
    cache = new Map();
    caches.set(limits, cache);
  }
  const hit = cache.get(expr);
  if (hit) return hit;
  let compiled: jsonata.Expression;
  try {
    compiled = build(expr, limits);
  } catch (err) {
    throw new FlowError('invalid_document', `Invalid expression "${expr}": ${errorMessage(err)}`, { cause: err });
  }
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(expr, compiled);
  return compiled;
}

function errorMessage(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string') return err.message;
  return String(err);
}

function errorCode(err: unknown): unknown {
  return err && typeof err === 'object' && 'code' in err ? err.code : undefined;
}

/** Check an expression: syntax, then what can be seen statically (literal ranges over the cap, unsupported regexes). */
export function expressionError(expr: string, limits?: ExpressionLimitsInput): string | undefined {
  const resolved = resolveExpressionLimits(limits);
  let compiled: jsonata.Expression;
  try {
    compiled = compileExpression(expr, resolved);
  } catch (err) {
    return errorMessage(err instanceof FlowError && err.cause !== undefined ? err.cause : err);
  }
  return staticExpressionError(compiled.ast(), resolved);
}

/** Check every placeholder of a template, and that every `{{` is closed; returns the first error message. */
export function templateError(template: string, limits?: ExpressionLimitsInput): string | undefined {
  let end = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const e = expressionError(m[1] ?? '', limits);
    if (e) return `in {{${m[1]}}}: ${e}`;
    end = (m.index ?? 0) + m[0].length;
  }
  const open = template.indexOf('{{', end);
  if (open >= 0) {
    const line = template.slice(0, open).split('\n').length;
    const snippet = template.slice(open, open + 30).replace(/\s+/g, ' ');
    return `unclosed "{{" at line ${line} ("${snippet}${template.length > open + 30 ? '…' : ''}"): close it with "}}"`;
  }
  return undefined;
}

/** JSONata's guardrail codes: D1011 stack depth, D1012 timeout, D2014/D2015 range and sequence size. */
const LIMIT_CODES: Record<string, keyof ExpressionLimits> = {
  D1011: 'maxDepth',
  D1012: 'timeoutMs',
  D2014: 'maxItems',
  D2015: 'maxItems',
};

function limitOf(err: unknown, depth = 0): keyof ExpressionLimits | undefined {
  if (err instanceof ExpressionLimitHit) return err.limit;
  // `$eval` wraps the error of the expression it evaluated (D3121) in `error`.
  if (depth < 5 && err && typeof err === 'object' && 'error' in err && err.error !== err) {
    const inner = limitOf(err.error, depth + 1);
    if (inner) return inner;
  }
  const code = errorCode(err);
  if (typeof code === 'string' && code in LIMIT_CODES) return LIMIT_CODES[code];
  if (err instanceof RangeError) {
    if (/call stack/i.test(err.message)) return 'maxDepth';
    if (/string length|array length/i.test(err.message)) return 'maxStringLength';
  }
  return undefined;
}

function where(ctx: ExpressionContext): string {
  const parts = [ctx.field ? `field "${ctx.field}"` : '', ctx.nodeId ? `node "${ctx.nodeId}"` : ''].filter(Boolean);
  return parts.length > 0 ? ` in ${parts.join(' of ')}` : '';
}

function failure(expr: string, err: unknown, ctx: ExpressionContext, limits: ExpressionLimits): FlowError {
  const shown = expr.length > 200 ? `${expr.slice(0, 200)}…` : expr;
  const limit = limitOf(err);
  const opts = { cause: err, ...(ctx.nodeId ? { nodeId: ctx.nodeId } : {}) };
  if (limit) {
    return new FlowError(
      'expression_limit',
      `Expression "${shown}"${where(ctx)} exceeded its budget (${limit} = ${limits[limit]}): ${errorMessage(err)}`,
      { ...opts, details: { field: ctx.field, limit, value: limits[limit] } },
    );
  }
  return new FlowError('node_failed', `Expression "${shown}"${where(ctx)} failed: ${errorMessage(err)}`, {
    ...opts,
    ...(ctx.field ? { details: { field: ctx.field } } : {}),
  });
}

/** Evaluate a JSONata expression against `{ state }`, within the limits. */
export async function evaluate(
  expr: string,
  state: Record<string, unknown>,
  ctx: ExpressionContext = {},
): Promise<unknown> {
  const limits = resolveExpressionLimits(ctx.limits);
  const compiled = compileExpression(expr, limits);
  // Consecutive evaluations (rules, assignments, placeholders) let the event loop turn between them.
  const turn = yieldIfBusy(SLICE_MS * 2);
  if (turn) await turn;
  try {
    const value: unknown = await compiled.evaluate({ state });
    return normalize(value);
  } catch (err) {
    throw failure(expr, err, ctx, limits);
  }
}

/** JSONata returns arrays with a `sequence` marker; make results plain JSON-ish values. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return Array.from(value, normalize);
  return value;
}

function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}

/** Render a template. A template that is exactly one placeholder may be asked to return the raw value. */
export async function render(
  template: string,
  state: Record<string, unknown>,
  ctx: ExpressionContext = {},
): Promise<string> {
  if (!template.includes('{{')) return template;
  const parts: string[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, m.index));
    parts.push(toText(await evaluate((m[1] ?? '').trim(), state, ctx)));
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(template.slice(last));
  return parts.join('');
}

/** Like `render`, but `{{ expr }}` alone yields the expression's value rather than its text. */
export async function renderValue(
  template: string,
  state: Record<string, unknown>,
  ctx: ExpressionContext = {},
): Promise<unknown> {
  const only = /^\s*\{\{([\s\S]*?)\}\}\s*$/.exec(template);
  if (only && !only[1]?.includes('}}')) return evaluate((only[1] ?? '').trim(), state, ctx);
  return render(template, state, ctx);
}
