import { FlowError } from '@flowcraft/schema';
import { all, create, type MathNode } from 'mathjs';

/** Longest expression accepted; bounds parse time and the size of literal matrices. */
export const MAX_EXPRESSION_LENGTH = 1000;

/**
 * Functions removed from the expression language. The first group follows the mathjs security
 * guide (they alter the instance or parse arbitrary input into manipulable trees); the second
 * group allocates memory or CPU out of proportion to the expression's length
 * (`range(1, 1e9)`, `zeros(1e9)`, `fraction(2)^1e9`, `subset(a, index(1e9), 1)`).
 */
const DISABLED_FUNCTIONS: readonly string[] = [
  'import',
  'createUnit',
  'reviver',
  'config',
  'evaluate',
  'parse',
  'compile',
  'parser',
  'resolve',
  'simplify',
  'simplifyConstant',
  'simplifyCore',
  'rationalize',
  'derivative',
  'leafCount',
  'range',
  'zeros',
  'ones',
  'identity',
  'resize',
  'concat',
  'kron',
  'subset',
  'fraction',
  'random',
  'randomInt',
  'pickRandom',
];

// mathjs types `all` as possibly undefined (it is destructured from a record); it never is.
if (all === undefined) throw new Error('mathjs did not export its function factories');
const math = create(all);
// Keep the parser for our own use before disabling it inside expressions (mathjs security guide).
const parseExpression = math.parse;
math.import(
  Object.fromEntries(
    DISABLED_FUNCTIONS.map((name) => [
      name,
      () => {
        throw new Error(`Function ${name} is disabled`);
      },
    ]),
  ),
  { override: true },
);

function toolError(message: string, cause?: unknown): FlowError {
  return new FlowError('tool_error', message, { retryable: false, cause });
}

function parse(expression: string): MathNode {
  try {
    return parseExpression(expression);
  } catch (err) {
    throw toolError(`Invalid expression: ${messageOf(err)}`, err);
  }
}

/** Rejects `a[1e9] = 1`: indexed assignment grows a matrix to any size. */
function assertSafe(node: MathNode): void {
  node.traverse((child) => {
    if (math.isAssignmentNode(child) && child.index !== null) {
      throw toolError('Invalid expression: assigning to an index (a[i] = x) is not allowed');
    }
  });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The last value of a multi-statement expression (`x = 2; x^2`), else the value itself. */
function lastValue(value: unknown): unknown {
  if (math.isResultSet(value)) {
    const entries: unknown[] = value.entries;
    return entries.length === 0 ? undefined : entries[entries.length - 1];
  }
  return value;
}

function present(value: unknown): number | string {
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  return math.format(value, { precision: 14 });
}

/**
 * Evaluates a math expression with a restricted mathjs instance: arithmetic, functions, units
 * (`2 inch to cm`), complex numbers, matrices, variables within one expression (`x = 2; x^2`).
 * Returns a finite number when the result is a plain number, otherwise its text
 * (`"5.08 cm"`, `"2i"`, `"Infinity"`). Bad input throws `FlowError('tool_error')`.
 */
export function calculate(expression: string): number | string {
  if (typeof expression !== 'string' || expression.trim() === '') {
    throw toolError('Invalid expression: expected a non-empty string');
  }
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw toolError(`Invalid expression: longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  const node = parse(expression);
  assertSafe(node);
  let value: unknown;
  try {
    value = lastValue(node.compile().evaluate(new Map<string, unknown>()));
  } catch (err) {
    throw toolError(`Could not evaluate "${expression}": ${messageOf(err)}`, err);
  }
  if (value === undefined) throw toolError(`The expression "${expression}" has no value`);
  return present(value);
}
