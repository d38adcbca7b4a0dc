/** Limits on JSON a client sends: nesting depth and string length (bytes are capped by the body limit). */
export interface JsonLimits {
  /** Deepest nesting of arrays and objects (the top-level value is depth 1). */
  maxDepth: number;
  /** Longest string, in UTF-16 units, keys included. */
  maxStringLength: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 128, maxStringLength: 256 * 1024 };

/** Where a value breaks a limit and why. */
export interface ValueIssue {
  path: (string | number)[];
  message: string;
}

/** Unpaired UTF-16 surrogates: Postgres cannot store them and no UTF-8 encoding exists for them. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be accepted (NUL, unpaired surrogate, too long), or `undefined`. */
export function stringProblem(text: string, maxLength: number): string | undefined {
  if (text.length > maxLength) return `is ${text.length} characters long; the limit is ${maxLength}`;
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode text)';
  return undefined;
}

interface Frame {
  value: unknown;
  depth: number;
  /** The container this value is in, and its key there (the path is built only for an issue). */
  parent: Frame | undefined;
  key: string | number | undefined;
}

function pathOf(frame: Frame): (string | number)[] {
  const path: (string | number)[] = [];
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) path.push(f.key);
  return path.reverse();
}

/**
 * The first place a parsed JSON value breaks the limits: nesting deeper than `maxDepth`, a string
 * or key that is too long or holds NUL or an unpaired surrogate, a number that is not finite
 * (`1e400` parses to Infinity). Iterative with an explicit stack, so a value nested 10,000 deep
 * is refused without recursion; stops at the first issue.
 */
export function findValueIssue(root: unknown, limits: JsonLimits): ValueIssue | undefined {
  const stack: Frame[] = [{ value: root, depth: 1, parent: undefined, key: undefined }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const { value, depth } = frame;
    if (typeof value === 'string') {
      const problem = stringProblem(value, limits.maxStringLength);
      if (problem) return { path: pathOf(frame), message: `The string ${problem}.` };
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { path: pathOf(frame), message: 'The number is out of range.' };
    } else if (typeof value === 'object' && value !== null) {
      if (depth > limits.maxDepth)
        return {
          path: pathOf(frame),
          message: `The value is nested deeper than the limit of ${limits.maxDepth} levels.`,
        };
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--)
          stack.push({ value: value[i], depth: depth + 1, parent: frame, key: i });
      } else {
        for (const [key, item] of Object.entries(value)) {
          const keyProblem = stringProblem(key, limits.maxStringLength);
          if (keyProblem) return { path: [...pathOf(frame), key], message: `The key ${keyProblem}.` };
          stack.push({ value: item, depth: depth + 1, parent: frame, key });
        }
      }
    }
  }
  return undefined;
}
