import jsonata from 'jsonata';
import { FlowError } from '@flowcraft/schema';

/**
 * The one template syntax of Flowcraft: text with `{{ expression }}` placeholders, where each
 * expression is JSONata (https://jsonata.org) evaluated against `{ state }`.
 * Examples: `Write about {{ state.topic }}`, `{{ $count(state.items) }} items`,
 * `{{ state.user.name ? state.user.name : "friend" }}`.
 * Strings are inserted as is; other values as JSON; missing values as an empty string.
 * Expressions (without braces) are used where a value, not text, is wanted (rules, map lists).
 */
const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;
const MAX_CACHE = 5000;
const cache = new Map<string, jsonata.Expression>();

export function compileExpression(expr: string): jsonata.Expression {
  const hit = cache.get(expr);
  if (hit) return hit;
  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(expr);
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

/** Check an expression's syntax; returns an error message or undefined. */
export function expressionError(expr: string): string | undefined {
  if (cache.has(expr)) return undefined;
  try {
    compileExpression(expr);
    return undefined;
  } catch (err) {
    return errorMessage(err instanceof FlowError && err.cause !== undefined ? err.cause : err);
  }
}

/** Check every placeholder of a template (and that each `{{` is closed); returns the first error message or undefined. */
export function templateError(template: string): string | undefined {
  for (const m of template.matchAll(PLACEHOLDER)) {
    const e = expressionError(m[1] ?? '');
    if (e) return `in {{${m[1]}}}: ${e}`;
  }
  const rest = template.replace(PLACEHOLDER, (m) => ' '.repeat(m.length));
  const open = rest.indexOf('{{');
  if (open >= 0) {
    const line = template.slice(0, open).split('\n').length;
    const snippet = template.slice(open, open + 30).replace(/\s+/g, ' ');
    return `unclosed "{{" at line ${line} ("${snippet}${template.length > open + 30 ? '…' : ''}"): close it with "}}"`;
  }
  return undefined;
}

/** Evaluate a JSONata expression against `{ state, ...extra }`. */
export async function evaluate(
  expr: string,
  state: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<unknown> {
  const compiled = compileExpression(expr);
  try {
    const value: unknown = await compiled.evaluate({ state, ...extra });
    return normalize(value);
  } catch (err) {
    throw new FlowError('node_failed', `Expression "${expr}" failed: ${errorMessage(err)}`, { cause: err });
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
  extra: Record<string, unknown> = {},
): Promise<string> {
  if (!template.includes('{{')) return template;
  const parts: string[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, m.index));
    parts.push(toText(await evaluate((m[1] ?? '').trim(), state, extra)));
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(template.slice(last));
  return parts.join('');
}

/** Like `render`, but `{{ expr }}` alone yields the expression's value rather than its text. */
export async function renderValue(
  template: string,
  state: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Promise<unknown> {
  const only = /^\s*\{\{([\s\S]*?)\}\}\s*$/.exec(template);
  if (only && !only[1]?.includes('}}')) return evaluate((only[1] ?? '').trim(), state, extra);
  return render(template, state, extra);
}
